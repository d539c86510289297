package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/credstore/credstoretest"
	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestLoginWhoamiToken(t *testing.T) {
	h := newHarness(t, pdtest.Config{})

	code, stdout, stderr := h.run("login")
	if code != 0 {
		t.Fatalf("login exit code = %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("login stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, h.server.URL()+"/oauth/authorize?") {
		t.Errorf("login stderr does not show the authorization URL:\n%s", stderr)
	}
	if !strings.Contains(stderr, "✓ Logged in to pdauth-test as Test User <test.user@example.com>") {
		t.Errorf("login stderr lacks the ✓ line:\n%s", stderr)
	}
	if got := h.browserStatuses(); len(got) != 1 || got[0] != 200 {
		t.Errorf("browser saw statuses %v, want one 200 success page", got)
	}

	record, err := h.store().Load("default")
	if err != nil {
		t.Fatalf("no record saved: %v", err)
	}
	if strings.Contains(stderr, record.AccessToken) || strings.Contains(stderr, record.RefreshToken) {
		t.Errorf("login stderr contains a token:\n%s", stderr)
	}

	code, stdout, stderr = h.run("whoami")
	if code != 0 {
		t.Fatalf("whoami exit code = %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"Test User", "test.user@example.com", "PXUSR01", "pdauth-test", "US (" + h.server.URL() + ")"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("whoami stdout lacks %q:\n%s", want, stdout)
		}
	}
	if stderr != "" {
		t.Errorf("whoami stderr = %q, want nothing", stderr)
	}

	before := h.server.Stats()
	code, stdout, stderr = h.run("token")
	if code != 0 || stdout != record.AccessToken+"\n" || stderr != "" {
		t.Fatalf("token = %d, stdout %q, stderr %q; want 0 and the access token alone", code, stdout, stderr)
	}
	if after := h.server.Stats(); after != before {
		t.Errorf("token with a fresh token made requests: before %+v, after %+v", before, after)
	}
}

func TestLoginRequestsFollowProtocol(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()

	opened := h.browserOpened()
	if len(opened) != 1 {
		t.Fatalf("browser opened %d times, want 1", len(opened))
	}
	authURL, err := url.Parse(opened[0])
	if err != nil {
		t.Fatal(err)
	}
	q := authURL.Query()
	for param, want := range map[string]string{
		"response_type":         "code",
		"client_id":             "pdauth-test-client",
		"redirect_uri":          h.redirect,
		"scope":                 "read",
		"code_challenge_method": "S256",
	} {
		if got := q.Get(param); got != want {
			t.Errorf("authorize %s = %q, want %q", param, got, want)
		}
	}
	if len(q.Get("state")) < 32 || len(q.Get("code_challenge")) != 43 {
		t.Errorf("state %q or code_challenge %q too short", q.Get("state"), q.Get("code_challenge"))
	}

	stats := h.server.Stats()
	if stats.CodeExchanges != 1 || stats.UsersMeRequests != 1 {
		t.Errorf("server stats = %+v, want one code exchange and one /users/me", stats)
	}
}

func TestWhoamiJSON(t *testing.T) {
	h := newHarness(t, pdtest.Config{Region: "eu", Subdomain: "acme-eu"})
	h.login()

	code, stdout, stderr := h.run("whoami", "--json")
	if code != 0 {
		t.Fatalf("whoami --json exit code = %d, stderr:\n%s", code, stderr)
	}
	var got WhoamiOutput
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("whoami --json printed invalid JSON %q: %v", stdout, err)
	}
	want := WhoamiOutput{
		ID:               "PXUSR01",
		Name:             "Test User",
		Email:            "test.user@example.com",
		Role:             "user",
		TimeZone:         "Etc/UTC",
		AccountSubdomain: "acme-eu",
		Region:           "EU",
		APIURL:           h.server.URL(),
	}
	got.HTMLURL = ""
	if got != want {
		t.Errorf("whoami --json = %+v, want %+v", got, want)
	}
}

func TestLoginUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{name: "no client ID", env: map[string]string{"PDAUTH_CLIENT_ID": ""}, wantErr: "missing client ID"},
		{name: "bad scope", args: []string{"--scope", "admin"}, wantErr: `invalid scope "admin"`},
		{name: "https redirect", args: []string{"--redirect-uri", "https://localhost:5000/callback"}, wantErr: "scheme must be http"},
		{name: "remote redirect", args: []string{"--redirect-uri", "http://example.com:5000/callback"}, wantErr: "host must be localhost"},
		{name: "remote redirect from env", env: map[string]string{"PDAUTH_REDIRECT_URI": "http://192.0.2.1/cb"}, wantErr: "host must be localhost"},
		{name: "plain http OAuth URL", env: map[string]string{"PDAUTH_OAUTH_URL": "http://identity.example.com"}, wantErr: "invalid PDAUTH_OAUTH_URL"},
		{name: "unknown flag", args: []string{"--bogus"}, wantErr: "unknown flag"},
		{name: "argument", args: []string{"extra"}, wantErr: "takes no arguments"},
		{name: "zero timeout", args: []string{"--timeout", "0s"}, wantErr: "invalid timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			for k, v := range tt.env {
				h.env[k] = v
			}

			code, stdout, stderr := h.run(append([]string{"login"}, tt.args...)...)
			if code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.wantErr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if n := len(h.browserOpened()); n != 0 {
				t.Errorf("browser opened %d times, want 0", n)
			}
		})
	}
}

func TestLoginFlagBeatsEnvironment(t *testing.T) {
	h := newHarness(t, pdtest.Config{ClientID: "flag-client"})
	h.env["PDAUTH_CLIENT_ID"] = "env-client"

	code, _, stderr := h.run("login", "--client-id", "flag-client")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	record, err := h.store().Load("default")
	if err != nil || record.ClientID != "flag-client" {
		t.Fatalf("record client ID = %v, %v; want flag-client", record, err)
	}
}

func TestLoginKeychainUnavailable(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.keyring = credstoretest.Failing{Err: errNoSecretService}

	code, stdout, stderr := h.run("login")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if !strings.Contains(stderr, "could not use the keychain") {
		t.Errorf("stderr does not name the keychain:\n%s", stderr)
	}
	if stdout != "" || len(h.browserOpened()) != 0 || h.server.Stats().AuthorizeRequests != 0 {
		t.Errorf("login went on without a keychain: stdout %q, browser %v, stats %+v", stdout, h.browserOpened(), h.server.Stats())
	}
}

func TestLoginPortInUse(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	u, _ := url.Parse(h.redirect)
	holder, err := net.Listen("tcp", "127.0.0.1:"+u.Port())
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()

	code, _, stderr := h.run("login")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	for _, want := range []string{"already in use", "Free port " + u.Port(), "--redirect-uri"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if len(h.browserOpened()) != 0 {
		t.Error("browser opened although the port was taken")
	}
}

func TestLoginDenied(t *testing.T) {
	h := newHarness(t, pdtest.Config{Deny: true})

	code, _, stderr := h.run("login")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if !strings.Contains(stderr, "access_denied") {
		t.Errorf("stderr lacks the OAuth error:\n%s", stderr)
	}
	if got := h.browserStatuses(); len(got) != 1 || got[0] != 400 {
		t.Errorf("browser saw statuses %v, want one 400 error page", got)
	}
	if _, err := h.store().Load("default"); !errors.Is(err, credstore.ErrNotFound) {
		t.Errorf("a record was saved after a denied login: %v", err)
	}
}

func TestLoginTimeout(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.browse = func(string) error { return nil } // the user never approves

	code, _, stderr := h.run("login", "--timeout", "200ms")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if !strings.Contains(stderr, "timed out after 200ms") || !strings.Contains(stderr, "--timeout") {
		t.Errorf("stderr does not explain the timeout:\n%s", stderr)
	}
	assertPortFree(t, h.redirect)
}

func TestLoginInterrupted(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	h.browse = func(string) error {
		time.AfterFunc(50*time.Millisecond, cancel) // Ctrl-C while waiting
		return nil
	}

	code, _, stderr := h.runContext(ctx, "login")
	if code != 130 {
		t.Errorf("exit code = %d, want 130; stderr:\n%s", code, stderr)
	}
	if h.keyring.(*credstoretest.Memory).Len() != 0 {
		t.Error("the keychain was written by an interrupted login")
	}
	assertPortFree(t, h.redirect)
}

func TestLoginBrowserFailsIsWarning(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.browse = func(rawURL string) error {
		go pdtest.Browse(context.Background(), rawURL, io.Discard) // the user opens the printed URL by hand
		return errors.New("could not find a program to open the browser")
	}

	code, _, stderr := h.run("login")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: could not find a program") {
		t.Errorf("stderr lacks the warning:\n%s", stderr)
	}
}

func TestLoginNoBrowser(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.browse = func(string) error { t.Error("browser opened with --no-browser"); return nil }

	code, _, stderr := h.run("login", "--no-browser", "--timeout", "100ms")
	if code != 1 || !strings.Contains(stderr, "/oauth/authorize?") {
		t.Errorf("exit code = %d, want 1 after printing the URL; stderr:\n%s", code, stderr)
	}
}

func TestLoginConfidentialClient(t *testing.T) {
	tests := []struct {
		name     string
		secret   string
		wantCode int
		wantErr  string
	}{
		{name: "secret sent", secret: "app-secret-value", wantCode: 0},
		{name: "secret missing", secret: "", wantCode: 1, wantErr: "401 Unauthorized: invalid_client"},
		{name: "secret wrong", secret: "wrong-secret-value", wantCode: 1, wantErr: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{ClientSecret: "app-secret-value"})
			h.env["PDAUTH_CLIENT_SECRET"] = tt.secret

			code, _, stderr := h.run("login")
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit code = %d, want %d with %q; stderr:\n%s", code, tt.wantCode, tt.wantErr, stderr)
			}
			if tt.secret != "" && strings.Contains(stderr, tt.secret) {
				t.Errorf("stderr contains the client secret:\n%s", stderr)
			}
		})
	}
}

func TestLoginAPIURLOverride(t *testing.T) {
	api := newHarness(t, pdtest.Config{Subdomain: "other"})
	h := newHarness(t, pdtest.Config{})
	h.env["PDAUTH_API_URL"] = api.server.URL()

	code, _, stderr := h.run("login")
	// The token belongs to h's server, so the other server rejects it.
	if code != 1 || !strings.Contains(stderr, "does not work at "+api.server.URL()) {
		t.Fatalf("exit code = %d, want 1 naming the overriding URL; stderr:\n%s", code, stderr)
	}
	if api.server.Stats().UsersMeRequests != 1 || h.server.Stats().UsersMeRequests != 0 {
		t.Errorf("/users/me went to the wrong server: override %+v, issuer %+v", api.server.Stats(), h.server.Stats())
	}
}

// errNoSecretService is the error go-keyring returns on a D-Bus session
// without a Secret Service provider.
var errNoSecretService = errors.New("The name org.freedesktop.secrets was not provided by any .service files")

func assertPortFree(t *testing.T, redirect string) {
	t.Helper()
	u, _ := url.Parse(redirect)
	l, err := net.Listen("tcp", "127.0.0.1:"+u.Port())
	if err != nil {
		t.Fatalf("port %s still taken after login returned: %v", u.Port(), err)
	}
	l.Close()
}
