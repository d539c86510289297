package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/pdtest"
)

// realKeyring returns a store on the system keychain, and fails the test
// when the keychain already holds a pdauth login, so that a test never
// overwrites a developer's real one.
func realKeyring(t *testing.T) *credstore.Store {
	t.Helper()
	if os.Getenv("PDAUTH_TEST_REAL_KEYRING") != "1" {
		t.Skip("set PDAUTH_TEST_REAL_KEYRING=1 and run under scripts/with-keyring.sh to test with the real Secret Service")
	}
	store := &credstore.Store{Keyring: credstore.SystemKeyring{}}
	if _, err := store.Load("default"); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("the keychain already has a pdauth login or fails (%v); run the tests under scripts/with-keyring.sh", err)
	}
	t.Cleanup(func() {
		_ = keyring.Delete(credstore.Service, "default")
		_ = os.RemoveAll(xdgHome)
	})
	return store
}

// startServer starts a pdtest server that accepts a fresh redirect URI and
// returns the environment pointing pdauth at it.
func startServer(t *testing.T, cfg pdtest.Config) (*pdtest.Server, []string) {
	t.Helper()
	redirect := "http://localhost:" + pdtest.FreePort(t) + "/callback"
	cfg.RedirectURIs = []string{redirect}
	server, err := pdtest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)
	return server, []string{
		"PDAUTH_OAUTH_URL=" + server.URL(),
		"PDAUTH_CLIENT_ID=pdauth-test-client",
		"PDAUTH_REDIRECT_URI=" + redirect,
	}
}

func TestLoginWhoamiTokenRealKeyring(t *testing.T) {
	store := realKeyring(t)
	server, env := startServer(t, pdtest.Config{})
	env = append(env, "BROWSER="+filepath.Join(binDir, "pdtestserver")+" browse")

	login := pdauth(t, env, "login")
	if login.code != 0 {
		t.Fatalf("login exit code = %d, stderr:\n%s", login.code, login.stderr)
	}
	if login.stdout != "" {
		t.Errorf("login stdout = %q, want nothing", login.stdout)
	}
	if !strings.Contains(login.stderr, "✓ Logged in to pdauth-test as Test User <test.user@example.com>") {
		t.Errorf("login stderr lacks the ✓ line:\n%s", login.stderr)
	}

	raw, err := keyring.Get(credstore.Service, "default")
	if err != nil {
		t.Fatalf("no record in the Secret Service: %v", err)
	}
	assertRecordShape(t, raw, server.URL())
	record, err := store.Load("default")
	if err != nil {
		t.Fatal(err)
	}

	whoami := pdauth(t, env, "whoami", "--json")
	var user map[string]string
	if whoami.code != 0 || json.Unmarshal([]byte(whoami.stdout), &user) != nil {
		t.Fatalf("whoami --json = %d, stdout %q, stderr %q", whoami.code, whoami.stdout, whoami.stderr)
	}
	if user["email"] != "test.user@example.com" || user["account_subdomain"] != "pdauth-test" {
		t.Errorf("whoami --json = %v", user)
	}

	token := pdauth(t, nil, "token") // no settings needed after login
	if token.code != 0 || token.stdout != record.AccessToken+"\n" || token.stderr != "" {
		t.Errorf("token = %d, stdout %q, stderr %q; want the access token alone", token.code, token.stdout, token.stderr)
	}

	// pdauth prints a token that needs no refresh without pdauth-core.
	alone := filepath.Join(t.TempDir(), "pdauth")
	copyFile(t, filepath.Join(binDir, "pdauth"), alone)
	token = runBinary(t, alone, nil, "token")
	if token.code != 0 || token.stdout != record.AccessToken+"\n" || token.stderr != "" {
		t.Errorf("token without pdauth-core = %d, stdout %q, stderr %q; want the access token alone", token.code, token.stdout, token.stderr)
	}

	if stats := server.Stats(); stats.CodeExchanges != 1 || stats.UsersMeRequests != 2 || stats.Refreshes != 0 {
		t.Errorf("server stats = %+v, want 1 code exchange, 2 /users/me, no refresh", stats)
	}
}

// copyFile copies the executable file from to the new file to.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// assertRecordShape checks the stored JSON: the documented fields, no
// id_token, and a size Windows Credential Manager accepts.
func assertRecordShape(t *testing.T, raw, apiURL string) {
	t.Helper()
	if len(raw) >= credstore.MaxRecordSize {
		t.Errorf("record is %d bytes, want under %d", len(raw), credstore.MaxRecordSize)
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		t.Fatalf("record is not JSON: %v", err)
	}
	for _, key := range []string{"access_token", "refresh_token", "expiry", "scope", "client_id", "token_url", "api_url", "subdomain", "user_id"} {
		if _, ok := fields[key]; !ok {
			t.Errorf("record lacks %q", key)
		}
	}
	if _, ok := fields["id_token"]; ok || strings.Contains(raw, "eyJ") {
		t.Error("record contains the raw id_token")
	}
	if fields["api_url"] != apiURL || fields["scope"] != "openid read" {
		t.Errorf("record api_url = %v, scope = %v", fields["api_url"], fields["scope"])
	}
}

func TestTokenRefreshRealKeyring(t *testing.T) {
	store := realKeyring(t)
	_, env := startServer(t, pdtest.Config{})
	env = append(env, "BROWSER="+filepath.Join(binDir, "pdtestserver")+" browse")
	if login := pdauth(t, env, "login"); login.code != 0 {
		t.Fatalf("login exit code = %d, stderr:\n%s", login.code, login.stderr)
	}

	old, err := store.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	old.Expiry = time.Now().Add(time.Minute) // inside the 5-minute refresh window
	if err := store.Save("default", old); err != nil {
		t.Fatal(err)
	}

	token := pdauth(t, nil, "token")
	saved, err := store.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	if token.code != 0 || token.stdout != saved.AccessToken+"\n" || saved.AccessToken == old.AccessToken {
		t.Fatalf("token = %d, stdout %q, stderr %q; want the refreshed, saved token", token.code, token.stdout, token.stderr)
	}
	if saved.RefreshToken == old.RefreshToken {
		t.Error("the rotated refresh token was not saved")
	}
}
