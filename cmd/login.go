package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/PagerDuty/go-pagerduty"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/loopback"
	"github.com/pdauth/pdauth/internal/pdapi"
	"github.com/pdauth/pdauth/internal/pdoauth"
	"github.com/pdauth/pdauth/internal/session"
	"github.com/pdauth/pdauth/internal/termtext"
	"github.com/pdauth/pdauth/internal/waitui"
)

// DefaultRedirectURI is the redirect URI PagerDuty's sample apps register.
const DefaultRedirectURI = "http://localhost:5000/callback"

// LoginOptions holds the login command's dependencies, then its flags.
type LoginOptions struct {
	IO          *iostreams.IOStreams
	Factory     *cmdutil.Factory
	HTTPClient  *http.Client
	OpenBrowser func(url string) error
	Getenv      func(string) string
	Profile     string

	ClientID        string
	Scope           string
	RedirectURI     string
	NoBrowser       bool
	Timeout         time.Duration
	InsecureStorage bool

	// Resolved by resolve from flags, the environment and the profile's
	// saved settings.
	clientSecret string
	oauthBaseURL string
	apiURL       string // PDAUTH_API_URL; empty means the one the id_token names
	redirect     *url.URL
	store        *credstore.Store
}

// NewCmdLogin returns the login command. runF replaces loginRun in tests.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{
		IO:          f.IOStreams,
		Factory:     f,
		HTTPClient:  f.HTTPClient,
		OpenBrowser: f.OpenBrowser,
		Getenv:      f.Getenv,
	}

	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in to PagerDuty in the browser and save the token in the keychain",
		Long: `Log in to PagerDuty with the OAuth 2.0 authorization code flow and PKCE.

pdauth listens on the redirect URI, prints the authorization URL on stderr and
opens it in the browser. After you approve, it exchanges the code for a token,
checks it with PagerDuty's /users/me, and saves it in the keychain. The
settings used are saved for the profile, so later logins and refreshes need
no flags.

Each setting comes from its flag, else its environment variable, else the
profile's saved settings, else the default:
  PDAUTH_CLIENT_ID      client ID of your PagerDuty app (--client-id)
  PDAUTH_CLIENT_SECRET  client secret, only for a confidential app (never saved)
  PDAUTH_REDIRECT_URI   redirect URI registered on the app (--redirect-uri)
  PDAUTH_OAUTH_URL      base URL of /oauth/authorize and /oauth/token
                        (default https://identity.pagerduty.com)
  PDAUTH_API_URL        REST API base URL; overrides the one the token names
  BROWSER               command that opens the URL (default: the system's)

Without a keychain (a container, a CI runner), --insecure-storage keeps the
token in a file readable only by you instead. It is never chosen for you.`,
		Example: `  pdauth login --client-id 0123abcd
  pdauth login --profile eu --client-id 4567efgh
  pdauth login --no-browser --timeout 10m`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Profile = f.Profile
			if err := opts.resolve(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}

	fl := cmd.Flags()
	fl.StringVar(&opts.ClientID, "client-id", "", "client ID of the PagerDuty app (default $PDAUTH_CLIENT_ID)")
	fl.StringVar(&opts.Scope, "scope", defaultScope, `OAuth scope to request: "read" or "write"`)
	fl.StringVar(&opts.RedirectURI, "redirect-uri", DefaultRedirectURI, "redirect URI registered on the app, on localhost (or $PDAUTH_REDIRECT_URI)")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "print the URL without opening a browser")
	fl.DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "how long to wait for the browser to return")
	fl.BoolVar(&opts.InsecureStorage, "insecure-storage", false, "store the token in a 0600 file instead of the keychain")
	return cmd
}

const defaultScope = "read"

// resolve fills each setting from its flag, then its environment variable,
// then the profile's saved settings, then the default, and validates them.
// Every invalid value is a usage error.
func (o *LoginOptions) resolve(cmd *cobra.Command) error {
	settings, err := o.Factory.Config()
	if err != nil {
		return err
	}
	saved := settings.Profile(o.Profile)

	flags := cmd.Flags()
	o.ClientID = o.pick(flags.Changed("client-id"), o.ClientID, "PDAUTH_CLIENT_ID", saved.ClientID, "")
	o.Scope = o.pick(flags.Changed("scope"), o.Scope, "", saved.Scope, defaultScope)
	o.RedirectURI = o.pick(flags.Changed("redirect-uri"), o.RedirectURI, "PDAUTH_REDIRECT_URI", saved.RedirectURI, DefaultRedirectURI)

	if o.ClientID == "" {
		return cmdutil.UsageErrorf("missing client ID: pass --client-id or set PDAUTH_CLIENT_ID to the client ID of your PagerDuty app")
	}
	if o.Scope != "read" && o.Scope != "write" {
		return cmdutil.UsageErrorf(`invalid scope %q: PagerDuty user OAuth accepts "read" or "write"`, o.Scope)
	}
	if o.Timeout <= 0 {
		return cmdutil.UsageErrorf("invalid timeout %s: it must be positive", o.Timeout)
	}
	if o.redirect, err = loopback.ParseRedirectURI(o.RedirectURI); err != nil {
		return cmdutil.UsageErrorf("%w", err)
	}
	return o.resolveServices(saved)
}

// pick returns the flag value when the flag was given, else the variable
// env, else the saved value, else def.
func (o *LoginOptions) pick(flagSet bool, flagValue, env, saved, def string) string {
	if flagSet {
		return flagValue
	}
	if v := strings.TrimSpace(o.Getenv(env)); env != "" && v != "" {
		return v
	}
	if saved != "" {
		return saved
	}
	return def
}

// settingName names where a URL setting came from, for error messages: the
// environment variable when it is set, else the key in the settings file.
func (o *LoginOptions) settingName(env, key string) string {
	if strings.TrimSpace(o.Getenv(env)) != "" {
		return env
	}
	return fmt.Sprintf("%s of profile %q in the settings file", key, o.Profile)
}

func (o *LoginOptions) resolveServices(saved *config.Profile) error {
	o.clientSecret = o.Getenv("PDAUTH_CLIENT_SECRET")

	base := o.pick(false, "", "PDAUTH_OAUTH_URL", saved.OAuthURL, pdoauth.DefaultBaseURL)
	var err error
	if o.oauthBaseURL, err = pdoauth.ParseServiceURL(o.settingName("PDAUTH_OAUTH_URL", "oauth_url"), base); err != nil {
		return cmdutil.UsageErrorf("%w", err)
	}

	if api := o.pick(false, "", "PDAUTH_API_URL", saved.APIURL, ""); api != "" {
		if o.apiURL, err = pdoauth.ParseServiceURL(o.settingName("PDAUTH_API_URL", "api_url"), api); err != nil {
			return cmdutil.UsageErrorf("%w", err)
		}
	}

	o.store, err = o.Factory.Store(o.storageKind())
	return err
}

// storageKind returns where this login stores the record.
func (o *LoginOptions) storageKind() string {
	if o.InsecureStorage {
		return config.StorageFile
	}
	return config.StorageKeychain
}

func (o *LoginOptions) oauthConfig() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.ClientID,
		ClientSecret: o.clientSecret,
		Endpoint:     pdoauth.Endpoint(o.oauthBaseURL),
		RedirectURL:  o.RedirectURI,
		Scopes:       []string{o.Scope},
	}
}

// portInUseError explains how to get past a taken callback port.
func (o *LoginOptions) portInUseError(err *loopback.PortInUseError) error {
	port := loopback.Port(o.redirect)
	msg := fmt.Sprintf("%v.\nFree port %s, or register another redirect URI on your PagerDuty app and pass it with --redirect-uri.", err, port)
	if runtime.GOOS == "darwin" && port == "5000" {
		msg += "\nOn macOS the AirPlay Receiver holds port 5000: turn it off in System Settings > General > AirDrop & Handoff."
	}
	return errors.New(msg)
}

// loginRun runs the whole login: keychain check, loopback server, browser,
// code exchange, /users/me, and saving the record.
func loginRun(ctx context.Context, o *LoginOptions) error {
	if err := o.checkStorage(); err != nil {
		return err
	}

	state := oauth2.GenerateVerifier()
	verifier := oauth2.GenerateVerifier()
	serverConfig := loopback.Config{RedirectURI: o.redirect, State: state}
	if o.Factory.Debug {
		serverConfig.Log = o.IO.ErrOut
	}
	server, err := loopback.Listen(serverConfig)
	var portErr *loopback.PortInUseError
	if errors.As(err, &portErr) {
		return o.portInUseError(portErr)
	}
	if err != nil {
		return fmt.Errorf("could not start the callback server: %w", err)
	}
	defer server.Close()

	config := o.oauthConfig()
	o.startBrowser(config.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)))

	code, err := o.waitForCode(ctx, server)
	if err != nil {
		return err
	}

	token, err := o.exchange(ctx, config, code, verifier)
	if err != nil {
		return err
	}
	return o.finish(ctx, token)
}

// checkStorage makes sure the record can be saved before the user approves
// anything in the browser, and warns about file storage.
func (o *LoginOptions) checkStorage() error {
	if o.InsecureStorage {
		files, err := o.Factory.FileKeyring()
		if err != nil {
			return err
		}
		fmt.Fprintf(o.IO.ErrOut, "warning: --insecure-storage keeps the token in %s instead of the keychain.\nAny program running as you can read that file, and it is not encrypted on disk.\n", files.Path(o.Profile))
	}

	err := o.store.CheckWritable(o.Profile)
	if err != nil && o.InsecureStorage {
		return fmt.Errorf("could not write the credentials file, so no login was started: %w", err)
	}
	if err != nil {
		return fmt.Errorf("could not use the keychain, so no login was started: %w\nWhere no keychain can run (a container, a CI runner), pass --insecure-storage to keep the token in a file instead.", err)
	}
	return nil
}

// startBrowser prints the authorization URL on stderr and opens it unless
// --no-browser is set. A browser that fails to start is only a warning,
// because the user can open the printed URL.
func (o *LoginOptions) startBrowser(authURL string) {
	errOut := o.IO.ErrOut
	fmt.Fprintf(errOut, "Open this URL in a browser to log in to PagerDuty:\n\n  %s\n\n", authURL)

	if !o.NoBrowser {
		if err := o.OpenBrowser(authURL); err != nil {
			fmt.Fprintf(errOut, "warning: %v\nOpen the URL above yourself.\n", err)
		}
	}
	o.printRemoteHints()
}

// printRemoteHints explains what to do when the browser cannot reach this
// machine's loopback address: paste the address it ends on (when stdin is a
// terminal), or, over SSH, forward the port.
func (o *LoginOptions) printRemoteHints() {
	errOut := o.IO.ErrOut
	overSSH := o.Getenv("SSH_CONNECTION") != "" || o.Getenv("SSH_TTY") != ""
	if !overSSH && !o.IO.StdinIsTerminal {
		return
	}

	fmt.Fprintln(errOut, "If the browser runs on another machine, the page it ends on will not load:")
	if o.IO.StdinIsTerminal {
		fmt.Fprintf(errOut, "  - copy that page's address (it starts with %s?) and paste it here, then press Enter\n", o.RedirectURI)
	}
	if overSSH {
		port := loopback.Port(o.redirect)
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "THIS-HOST"
		}
		target := o.redirect.Hostname()
		if strings.Contains(target, ":") {
			target = "[" + target + "]" // ssh's -L syntax brackets IPv6 addresses
		}
		fmt.Fprintf(errOut, "  - or forward the port before logging in again: ssh -L %s:%s:%s %s\n", port, target, port, host)
	}
	fmt.Fprintln(errOut)
}

// waitForCode waits for the authorization response from the loopback
// server or, when stdin is a terminal, from an address pasted there. On a
// terminal without that prompt, a spinner shows that pdauth is waiting.
func (o *LoginOptions) waitForCode(ctx context.Context, server *loopback.Server) (string, error) {
	waitCtx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	out := waitui.NewWriter(o.IO.ErrOut)
	defer out.Close()
	message := fmt.Sprintf("Waiting up to %s for approval in the browser (Ctrl-C to cancel)...", o.Timeout)
	switch {
	case o.IO.StdinIsTerminal:
		fmt.Fprintln(out, message)
		go waitui.ReadPasted(o.IO.In, out, func(line string) error {
			query, err := loopback.ParsePastedURL(line, o.redirect)
			if err == nil {
				err = server.Submit(query)
			}
			return err
		})
	case o.IO.StderrIsTerminal && o.Getenv("TERM") != "dumb":
		// The full message stays on screen. The spinner line is short and
		// cut to the terminal's width, because a wrapped line would scroll
		// at every frame.
		fmt.Fprintln(out, message)
		stop := waitui.Spinner(out, fitWidth("waiting for the browser", o.IO.StderrWidth-2))
		defer stop()
	default:
		fmt.Fprintln(out, message)
	}

	code, err := server.Wait(waitCtx)
	return code, o.waitError(ctx, err)
}

// fitWidth cuts s to at most width runes; a width under 1 leaves s whole.
func fitWidth(s string, width int) string {
	runes := []rune(s)
	if width < 1 || len(runes) <= width {
		return s
	}
	return string(runes[:width])
}

func (o *LoginOptions) waitError(ctx context.Context, err error) error {
	var authErr *loopback.AuthorizationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &authErr):
		return fmt.Errorf("the login was not approved: %w", err)
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("timed out after %s waiting for the browser to return to %s\n"+
			"If the browser showed an error from PagerDuty, check the client ID and that this redirect URI is registered on the app.\n"+
			"Otherwise run pdauth login again, with --timeout to wait longer", o.Timeout, o.RedirectURI)
	default:
		return err
	}
}

// exchange trades the code for a token with one POST to the token
// endpoint. Errors name the HTTP status and OAuth error, never the code,
// verifier or secret.
func (o *LoginOptions) exchange(ctx context.Context, config *oauth2.Config, code, verifier string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.HTTPClient)
	token, err := config.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("could not exchange the authorization code for a token: %w",
			pdoauth.DescribeTokenError(err, code, verifier, o.clientSecret))
	}
	return token, nil
}

// finish turns the token into a saved record: it reads the id_token claims,
// picks the REST API URL, fetches the user, saves the record and prints who
// is logged in.
func (o *LoginOptions) finish(ctx context.Context, token *oauth2.Token) error {
	record, err := o.newRecord(token)
	if err != nil {
		return err
	}

	client := pdapi.NewClient(o.HTTPClient, record.APIURL, record.AccessToken)
	user, userErr := pdapi.CurrentUser(ctx, client)
	if errors.Is(userErr, pdapi.ErrUnauthorized) {
		return fmt.Errorf("the new token does not work at %s: %w\nCheck that PDAUTH_API_URL, if set, is the REST API of this account's region", record.APIURL, userErr)
	}
	if userErr == nil {
		fillFromUser(record, user)
	}

	if err := o.store.Save(o.Profile, record); err != nil {
		return fmt.Errorf("could not save the token, so the login is lost: %w", err)
	}
	if err := o.saveSettings(ctx); err != nil {
		return err
	}
	if lockDir, err := o.Factory.LockDir(); err == nil {
		session.ClearRefreshRejected(lockDir, o.Profile)
	}

	if userErr != nil {
		// The token is saved and the token endpoint issued it, so the login
		// succeeded. Only the user's name and email are missing.
		fmt.Fprintf(o.IO.ErrOut, "✓ Logged in to %s\nwarning: %s\nRun pdauth whoami to try again.\n", displayAccount(record), termtext.PrintableLines(userErr.Error()))
		return nil
	}
	fmt.Fprintf(o.IO.ErrOut, "✓ Logged in to %s as %s <%s>\n", displayAccount(record), termtext.Printable(user.Name), termtext.Printable(user.Email))
	if o.Getenv("PDAUTH_TOKEN") != "" {
		fmt.Fprintln(o.IO.ErrOut, "warning: PDAUTH_TOKEN is set, so pdauth token and whoami keep using it instead of this login until you unset it.")
	}
	return nil
}

// saveSettings remembers the profile's settings for later logins and
// refreshes, and deletes a record the profile kept in the other storage
// before, so that no stale token is left behind.
func (o *LoginOptions) saveSettings(ctx context.Context) error {
	storage := o.storageKind()
	var previous string
	err := o.Factory.UpdateConfig(ctx, func(settings *config.File) {
		previous = settings.Profile(o.Profile).StorageKind()
		settings.Profiles[o.Profile] = &config.Profile{
			ClientID:    o.ClientID,
			RedirectURI: o.RedirectURI,
			Scope:       o.Scope,
			OAuthURL:    o.oauthBaseURL,
			APIURL:      o.apiURL,
			Storage:     storage,
		}
	})
	if err != nil {
		return fmt.Errorf("the token is saved, but the profile's settings are not: %w", err)
	}

	if previous != storage {
		if old, err := o.Factory.Store(previous); err == nil {
			_ = old.Delete(o.Profile) // gone already, or unreachable: nothing more to do
		}
	}
	return nil
}

// newRecord builds the record for a new token, taking the account facts
// from the id_token.
func (o *LoginOptions) newRecord(token *oauth2.Token) (*credstore.Record, error) {
	var claims pdoauth.Claims
	if raw, ok := token.Extra("id_token").(string); ok && raw != "" {
		parsed, err := pdoauth.ParseIDToken(raw)
		if err != nil {
			fmt.Fprintf(o.IO.ErrOut, "warning: %v; the account's region cannot be read from it\n", err)
		}
		claims = parsed
	}

	apiURL := o.apiURL
	if apiURL == "" {
		var err error
		if apiURL, err = pdoauth.APIURL(claims.Audience, o.oauthBaseURL); err != nil {
			return nil, err
		}
	}

	scope, _ := token.Extra("scope").(string)
	if scope == "" {
		scope = o.Scope
	}
	return &credstore.Record{
		AccessToken:  token.AccessToken,
		RefreshToken: token.RefreshToken,
		Expiry:       token.Expiry,
		Scope:        scope,
		ClientID:     o.ClientID,
		TokenURL:     pdoauth.Endpoint(o.oauthBaseURL).TokenURL,
		APIURL:       apiURL,
		Subdomain:    claims.Subdomain,
		Region:       claims.Region,
		UserID:       claims.UserID,
	}, nil
}

// fillFromUser adds the user's name and email to the record, and the user
// ID and subdomain when the id_token lacked them.
func fillFromUser(record *credstore.Record, user *pagerduty.User) {
	record.UserName = user.Name
	record.UserEmail = user.Email
	if record.UserID == "" {
		record.UserID = user.ID
	}
	if record.Subdomain == "" {
		record.Subdomain = pdapi.SubdomainFromHTMLURL(user.HTMLURL)
	}
}

// displayAccount names the account: its subdomain, or the REST API URL
// when the subdomain is unknown.
func displayAccount(record *credstore.Record) string {
	if record.Subdomain != "" {
		return termtext.Printable(record.Subdomain)
	}
	return record.APIURL
}
