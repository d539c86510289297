package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/PagerDuty/go-pagerduty"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/loopback"
	"github.com/pdauth/pdauth/internal/pdapi"
	"github.com/pdauth/pdauth/internal/pdoauth"
)

// DefaultRedirectURI is the redirect URI PagerDuty's sample apps register.
const DefaultRedirectURI = "http://localhost:5000/callback"

// LoginOptions holds the login command's dependencies, then its flags.
type LoginOptions struct {
	IO          *iostreams.IOStreams
	HTTPClient  *http.Client
	Store       *credstore.Store
	OpenBrowser func(url string) error
	Getenv      func(string) string
	Profile     string

	ClientID    string
	Scope       string
	RedirectURI string
	NoBrowser   bool
	Timeout     time.Duration

	// Resolved from flags and the environment by resolve.
	clientSecret string
	oauthBaseURL string
	apiURL       string // PDAUTH_API_URL; empty means the one the id_token names
	redirect     *url.URL
}

// NewCmdLogin returns the login command. runF replaces loginRun in tests.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{
		IO:          f.IOStreams,
		HTTPClient:  f.HTTPClient,
		Store:       f.Store(),
		OpenBrowser: f.OpenBrowser,
		Getenv:      f.Getenv,
		Profile:     cmdutil.DefaultProfile,
	}

	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in to PagerDuty in the browser and save the token in the keychain",
		Long: `Log in to PagerDuty with the OAuth 2.0 authorization code flow and PKCE.

pdauth listens on the redirect URI, prints the authorization URL on stderr and
opens it in the browser. After you approve, it exchanges the code for a token,
checks it with PagerDuty's /users/me, and saves it in the keychain.

Environment (a flag beats its variable):
  PDAUTH_CLIENT_ID      client ID of your PagerDuty app (--client-id)
  PDAUTH_CLIENT_SECRET  client secret, only for a confidential app
  PDAUTH_REDIRECT_URI   redirect URI registered on the app (--redirect-uri)
  PDAUTH_OAUTH_URL      base URL of /oauth/authorize and /oauth/token
                        (default https://identity.pagerduty.com)
  PDAUTH_API_URL        REST API base URL; overrides the one the token names
  BROWSER               command that opens the URL (default: the system's)`,
		Example: `  pdauth login --client-id 0123abcd
  pdauth login --no-browser --timeout 10m`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
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
	fl.StringVar(&opts.Scope, "scope", "read", `OAuth scope to request: "read" or "write"`)
	fl.StringVar(&opts.RedirectURI, "redirect-uri", DefaultRedirectURI, "redirect URI registered on the app, on localhost (or $PDAUTH_REDIRECT_URI)")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "print the URL without opening a browser")
	fl.DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "how long to wait for the browser to return")
	return cmd
}

// resolve fills the settings from flags, then the environment, then
// defaults, and validates them. Every problem is a usage error.
func (o *LoginOptions) resolve(cmd *cobra.Command) error {
	if o.ClientID == "" {
		o.ClientID = strings.TrimSpace(o.Getenv("PDAUTH_CLIENT_ID"))
	}
	if o.ClientID == "" {
		return cmdutil.UsageErrorf("missing client ID: pass --client-id or set PDAUTH_CLIENT_ID to the client ID of your PagerDuty app")
	}
	if o.Scope != "read" && o.Scope != "write" {
		return cmdutil.UsageErrorf(`invalid scope %q: PagerDuty user OAuth accepts "read" or "write"`, o.Scope)
	}
	if o.Timeout <= 0 {
		return cmdutil.UsageErrorf("invalid timeout %s: it must be positive", o.Timeout)
	}

	if env := o.Getenv("PDAUTH_REDIRECT_URI"); env != "" && !cmd.Flags().Changed("redirect-uri") {
		o.RedirectURI = env
	}
	redirect, err := loopback.ParseRedirectURI(o.RedirectURI)
	if err != nil {
		return cmdutil.UsageErrorf("%w", err)
	}
	o.redirect = redirect

	return o.resolveServices()
}

func (o *LoginOptions) resolveServices() error {
	o.clientSecret = o.Getenv("PDAUTH_CLIENT_SECRET")

	o.oauthBaseURL = pdoauth.DefaultBaseURL
	if env := o.Getenv("PDAUTH_OAUTH_URL"); env != "" {
		base, err := pdoauth.ParseServiceURL("PDAUTH_OAUTH_URL", env)
		if err != nil {
			return cmdutil.UsageErrorf("%w", err)
		}
		o.oauthBaseURL = base
	}

	if env := o.Getenv("PDAUTH_API_URL"); env != "" {
		api, err := pdoauth.ParseServiceURL("PDAUTH_API_URL", env)
		if err != nil {
			return cmdutil.UsageErrorf("%w", err)
		}
		o.apiURL = api
	}
	return nil
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
	port := o.redirect.Port()
	if port == "" {
		port = "80"
	}
	msg := fmt.Sprintf("%v.\nFree port %s, or register another redirect URI on your PagerDuty app and pass it with --redirect-uri.", err, port)
	if runtime.GOOS == "darwin" && port == "5000" {
		msg += "\nOn macOS the AirPlay Receiver holds port 5000: turn it off in System Settings > General > AirDrop & Handoff."
	}
	return errors.New(msg)
}

// loginRun runs the whole login: keychain check, loopback server, browser,
// code exchange, /users/me, and saving the record.
func loginRun(ctx context.Context, o *LoginOptions) error {
	if err := o.Store.CheckWritable(o.Profile); err != nil {
		return fmt.Errorf("could not use the keychain, so no login was started: %w", err)
	}

	state := oauth2.GenerateVerifier()
	verifier := oauth2.GenerateVerifier()
	server, err := loopback.Listen(loopback.Config{RedirectURI: o.redirect, State: state})
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
	_ = server.Close() // free the port before the network round trips

	token, err := o.exchange(ctx, config, code, verifier)
	if err != nil {
		return err
	}
	return o.finish(ctx, token)
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
	fmt.Fprintf(errOut, "Waiting up to %s for the browser to return to %s (Ctrl-C to cancel)...\n", o.Timeout, o.RedirectURI)
}

func (o *LoginOptions) waitForCode(ctx context.Context, server *loopback.Server) (string, error) {
	waitCtx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	code, err := server.Wait(waitCtx)
	var authErr *loopback.AuthorizationError
	switch {
	case err == nil:
		return code, nil
	case errors.As(err, &authErr):
		return "", fmt.Errorf("the login was not approved: %w", err)
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return "", fmt.Errorf("timed out after %s waiting for the browser to return to %s\nRun pdauth login again, with --timeout to wait longer", o.Timeout, o.RedirectURI)
	default:
		return "", err
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

	if err := o.Store.Save(o.Profile, record); err != nil {
		return fmt.Errorf("could not save the token in the keychain, so the login is lost: %w", err)
	}

	if userErr != nil {
		// The token is saved and the token endpoint issued it, so the login
		// succeeded. Only the user's name and email are missing.
		fmt.Fprintf(o.IO.ErrOut, "✓ Logged in to %s\nwarning: %v\nRun pdauth whoami to try again.\n", displayAccount(record), userErr)
		return nil
	}
	fmt.Fprintf(o.IO.ErrOut, "✓ Logged in to %s as %s <%s>\n", displayAccount(record), user.Name, user.Email)
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

// fillFromUser completes the record with what /users/me returned when the
// id_token lacked it.
func fillFromUser(record *credstore.Record, user *pagerduty.User) {
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
		return record.Subdomain
	}
	return record.APIURL
}
