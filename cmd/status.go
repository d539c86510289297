package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/pdapi"
	"github.com/pdauth/pdauth/internal/session"
	"github.com/pdauth/pdauth/internal/termtext"
)

// StatusOptions holds the status command's dependencies, then its flags.
type StatusOptions struct {
	IO       *iostreams.IOStreams
	Factory  *cmdutil.Factory
	Profile  string
	Selected bool // the profile was chosen with --profile or PDAUTH_PROFILE

	JSON  bool
	Check bool
}

// ProfileStatus is one element of the list that status --json prints. The
// field names are a documented interface: fields may be added, never
// renamed or removed.
type ProfileStatus struct {
	Profile          string     `json:"profile"`
	Active           bool       `json:"active"`            // the profile that other commands use now
	LoggedIn         bool       `json:"logged_in"`         // a record is stored
	Usable           bool       `json:"usable"`            // the stored login works for token and whoami without a new login
	Storage          string     `json:"storage"`           // storage of the secret: "keychain" or "file"
	TokenFromEnv     bool       `json:"token_from_env"`    // PDAUTH_TOKEN is set and replaces the stored login
	AccountSubdomain string     `json:"account_subdomain"` // empty when unknown
	Region           string     `json:"region"`            // "US", "EU", or the region claim or API host for other servers
	APIURL           string     `json:"api_url"`
	UserID           string     `json:"user_id"`
	UserName         string     `json:"user_name"`
	UserEmail        string     `json:"user_email"`
	Scope            string     `json:"scope"`
	ExpiresAt        *time.Time `json:"expires_at"`         // null when the token has no expiry
	ExpiresInSeconds *int64     `json:"expires_in_seconds"` // negative once expired; null without expiry
	Refreshable      bool       `json:"refreshable"`        // a refresh token is stored
	RefreshRejected  bool       `json:"refresh_rejected"`   // the last refresh attempt found the refresh token rejected
	Error            string     `json:"error,omitempty"`    // reason the record could not be read
	Check            *Check     `json:"check,omitempty"`    // only with --check

	failed bool // a failure that a new login does not fix, such as a keychain error
}

// Check is the result of status --check for one profile.
type Check struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// NewCmdStatus returns the status command. runF replaces statusRun in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Factory: f}

	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each profile's login without contacting PagerDuty",
		Long: `Show, for each profile, whether it is logged in, the account, region, user,
scopes, token expiry and where the token is stored. It makes no network
request unless --check is given, and it never prints a token.

With --profile or PDAUTH_PROFILE, only that profile is shown. The exit code
is 0 when the shown profiles are all usable and 4 when one is not.

--json prints a list with one object per profile. Its fields are profile,
active, logged_in, usable, storage ("keychain" or "file"), token_from_env,
account_subdomain, region, api_url, user_id, user_name, user_email, scope,
expires_at (RFC 3339 or null), expires_in_seconds (null without expiry,
negative once expired), refreshable, refresh_rejected, error (only when the
stored record could not be read), and check ({"ok": bool}, plus "error" when
it failed; only with --check). --check refreshes a token that needs it, as
token does, before it calls /users/me.`,
		Example: `  pdauth status
  pdauth status --check --profile eu
  pdauth status --json | jq -r '.[] | select(.usable | not) | .profile'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Profile = f.Profile
			opts.Selected = profileSelected(cmd, f)
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON list, one object per profile")
	cmd.Flags().BoolVar(&opts.Check, "check", false, "also check each usable token with PagerDuty's /users/me")
	return cmd
}

func statusRun(ctx context.Context, o *StatusOptions) error {
	settings, err := o.Factory.Config()
	if err != nil {
		return err
	}
	apiURL, err := apiURLOverride(o.Factory)
	if err != nil {
		return err
	}

	var statuses []ProfileStatus
	for _, name := range o.profiles(settings) {
		status := o.describe(name, settings.Profile(name))
		if o.Check && status.Usable {
			o.check(ctx, &status, apiURL)
		}
		statuses = append(statuses, status)
	}

	if err := o.print(statuses); err != nil {
		return err
	}
	return statusExit(statuses)
}

// statusExit returns nil when every profile shown is usable, an error with
// ExitFailure when one failed for a reason a login does not fix, and one
// with ExitAuth when a login is missing or no longer valid.
func statusExit(statuses []ProfileStatus) error {
	for _, s := range statuses {
		if s.failed {
			return fmt.Errorf("could not read or check profile %q", s.Profile)
		}
	}
	for _, s := range statuses {
		if !s.Usable {
			return &cmdutil.ExitError{Code: cmdutil.ExitAuth, Err: fmt.Errorf("profile %q is not usable\nrun: %s", s.Profile, cmdutil.LoginCommand(s.Profile))}
		}
	}
	return nil
}

// profiles returns the profiles to show: the selected one, or every profile
// in the settings file together with the active one.
func (o *StatusOptions) profiles(settings *config.File) []string {
	if o.Selected {
		return []string{o.Profile}
	}
	names := settings.Names()
	if !slices.Contains(names, o.Profile) {
		names = append([]string{o.Profile}, names...)
	}
	return names
}

// describe reads one profile's record and settings, offline.
func (o *StatusOptions) describe(name string, saved *config.Profile) ProfileStatus {
	status := ProfileStatus{
		Profile:      name,
		Active:       name == o.Profile,
		Storage:      saved.StorageKind(),
		TokenFromEnv: o.Factory.Getenv("PDAUTH_TOKEN") != "",
	}
	store, err := o.Factory.Store(saved.StorageKind())
	if err != nil {
		status.Error, status.failed = oneLine(err.Error()), true
		return status
	}

	record, err := store.Load(name)
	if errors.Is(err, credstore.ErrNotFound) {
		return status
	}
	if err != nil {
		status.Error, status.failed = oneLine(err.Error()), true
		return status
	}

	fillStatus(&status, record, o.Factory.Now())
	if lockDir, err := o.Factory.LockDir(); err == nil && session.RefreshRejected(lockDir, name, record) {
		status.RefreshRejected = true
		status.Usable = !record.ExpiresWithin(o.Factory.Now(), 0)
	}
	return status
}

func fillStatus(status *ProfileStatus, record *credstore.Record, now time.Time) {
	status.LoggedIn = true
	status.AccountSubdomain = record.Subdomain
	status.APIURL = record.APIURL
	status.Region = regionName(record.APIURL, record.Region)
	status.UserID = record.UserID
	status.UserName = record.UserName
	status.UserEmail = record.UserEmail
	status.Scope = record.Scope
	status.Refreshable = record.RefreshToken != ""
	status.Usable = status.Refreshable || !record.ExpiresWithin(now, 0)

	if !record.Expiry.IsZero() {
		expiry := record.Expiry.UTC()
		seconds := int64(record.Expiry.Sub(now) / time.Second)
		status.ExpiresAt = &expiry
		status.ExpiresInSeconds = &seconds
	}
}

// check calls /users/me with the profile's stored token, refreshing it
// first when needed, as whoami does, and records the result in status.
// PDAUTH_TOKEN is not used: status describes the stored logins.
func (o *StatusOptions) check(ctx context.Context, status *ProfileStatus, override string) {
	record, err := o.Factory.CurrentRecord(ctx, status.Profile)
	if err == nil {
		apiURL := record.APIURL
		if override != "" {
			apiURL = override
		}
		_, err = pdapi.CurrentUser(ctx, pdapi.NewClient(o.Factory.HTTPClient, apiURL, record.AccessToken))
	}

	status.Check = &Check{OK: err == nil}
	if err == nil {
		return
	}
	status.Check.Error = oneLine(err.Error())
	status.Usable = false
	var exitErr *cmdutil.ExitError
	status.failed = !errors.Is(err, pdapi.ErrUnauthorized) && !(errors.As(err, &exitErr) && exitErr.Code == cmdutil.ExitAuth)
}

// oneLine joins the lines of a multi-line message into sentences on one
// line, so that it fits one line of the status output.
func oneLine(s string) string {
	var parts []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if n := len(parts); n > 0 && !strings.HasSuffix(parts[n-1], ".") {
			parts[n-1] += "."
		}
		parts = append(parts, line)
	}
	return strings.Join(parts, " ")
}

func (o *StatusOptions) print(statuses []ProfileStatus) error {
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(statuses)
	}
	if len(statuses) > 0 && statuses[0].TokenFromEnv {
		fmt.Fprintln(o.IO.Out, "PDAUTH_TOKEN is set: token and whoami use it instead of these stored logins.")
	}
	for i, s := range statuses {
		if i > 0 {
			fmt.Fprintln(o.IO.Out)
		}
		printStatus(o.IO.Out, s, o.Factory.Now())
	}
	return nil
}

func printStatus(w io.Writer, s ProfileStatus, now time.Time) {
	active := ""
	if s.Active {
		active = " (active)"
	}
	fmt.Fprintf(w, "%s%s\n", termtext.Printable(s.Profile), active)

	switch {
	case s.Error != "":
		fmt.Fprintf(w, "  Logged in:  unknown: %s\n", termtext.Printable(s.Error))
		return
	case !s.LoggedIn:
		fmt.Fprintf(w, "  Logged in:  no (run: %s)\n", cmdutil.LoginCommand(s.Profile))
		return
	}

	p := termtext.Printable
	loginLine := "yes"
	if s.UserName != "" || s.UserEmail != "" {
		loginLine = fmt.Sprintf("yes, as %s <%s>", p(s.UserName), p(s.UserEmail))
	}
	if s.UserID != "" {
		loginLine += " (" + p(s.UserID) + ")"
	}
	fmt.Fprintf(w, "  Logged in:  %s\n", loginLine)
	fmt.Fprintf(w, "  Account:    %s, region %s (%s)\n", p(s.AccountSubdomain), p(s.Region), p(s.APIURL))
	fmt.Fprintf(w, "  Scope:      %s\n", p(s.Scope))
	fmt.Fprintf(w, "  Expires:    %s\n", describeExpiry(s, now))
	fmt.Fprintf(w, "  Stored in:  %s\n", s.Storage)
	if s.Check != nil {
		result := "ok (GET /users/me)"
		if !s.Check.OK {
			result = "failed: " + termtext.Printable(s.Check.Error)
		}
		fmt.Fprintf(w, "  Check:      %s\n", result)
	}
}

func describeExpiry(s ProfileStatus, now time.Time) string {
	if s.ExpiresAt == nil {
		return "never (no expiry was given)"
	}
	when := s.ExpiresAt.Format("2006-01-02 15:04 MST")
	d := s.ExpiresAt.Sub(now)
	text := fmt.Sprintf("in %s (%s)", roundDuration(d), when)
	if d <= 0 {
		text = fmt.Sprintf("%s ago (%s)", roundDuration(-d), when)
	}
	if s.RefreshRejected {
		return text + ", and PagerDuty rejected the refresh token"
	}
	if s.Refreshable {
		return text + ", refreshed automatically"
	}
	return text + ", no refresh token"
}

// roundDuration formats d to the nearest minute, or day and hour for long
// spans, such as "29d 23h" or "4m".
func roundDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d == 0 {
		return "under a minute"
	}
	days := d / (24 * time.Hour)
	hours := (d % (24 * time.Hour)) / time.Hour
	minutes := (d % time.Hour) / time.Minute
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, minutes)
	default:
		return fmt.Sprintf("%dm", minutes)
	}
}
