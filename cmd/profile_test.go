package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdauth/pdauth/internal/credstore/credstoretest"
	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestTwoProfilesSideBySide(t *testing.T) {
	us := newHarness(t, pdtest.Config{Region: "us", Subdomain: "acme-us", User: pdtest.User{Email: "us@example.com"}})
	eu := newHarness(t, pdtest.Config{Region: "eu", Subdomain: "acme-eu", User: pdtest.User{Email: "eu@example.com"}})
	h := us                           // one machine: us's keychain and directories, logging in to both servers
	h.env["PDAUTH_REDIRECT_URI"] = "" // each login names its server's redirect URI

	login := func(profile string, server *harness) {
		t.Helper()
		code, _, stderr := h.run("login", "--profile", profile,
			"--redirect-uri", server.redirect, "--client-id", "pdauth-test-client")
		if code != 0 {
			t.Fatalf("login --profile %s exit code = %d, stderr:\n%s", profile, code, stderr)
		}
	}
	h.env["PDAUTH_OAUTH_URL"] = us.server.URL()
	login("us", us)
	h.env["PDAUTH_OAUTH_URL"] = eu.server.URL()
	login("eu", eu)

	// Later commands need no settings: the profiles remember theirs.
	h.env = map[string]string{}
	for _, tt := range []struct{ profile, email, region string }{
		{"us", "us@example.com", "US"},
		{"eu", "eu@example.com", "EU"},
	} {
		code, stdout, stderr := h.run("whoami", "--json", "--profile", tt.profile)
		var got WhoamiOutput
		if code != 0 || json.Unmarshal([]byte(stdout), &got) != nil {
			t.Fatalf("whoami --profile %s = %d, stdout %q, stderr %q", tt.profile, code, stdout, stderr)
		}
		if got.Email != tt.email || got.Region != tt.region {
			t.Errorf("whoami --profile %s = %s in %s, want %s in %s", tt.profile, got.Email, got.Region, tt.email, tt.region)
		}
	}

	h.env["PDAUTH_PROFILE"] = "eu"
	_, stdout, _ := h.run("whoami", "--json")
	if !strings.Contains(stdout, "eu@example.com") {
		t.Errorf("PDAUTH_PROFILE=eu whoami printed %q", stdout)
	}
	_, stdout, _ = h.run("whoami", "--json", "--profile", "us")
	if !strings.Contains(stdout, "us@example.com") {
		t.Errorf("--profile us did not beat PDAUTH_PROFILE=eu: %q", stdout)
	}

	if us.server.Stats().UsersMeRequests != 3 || eu.server.Stats().UsersMeRequests != 3 {
		t.Errorf("/users/me requests: us %+v, eu %+v; want 3 each", us.server.Stats(), eu.server.Stats())
	}
}

func TestProfileNameValidated(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	for _, name := range []string{"../etc", "-x", "a b", strings.Repeat("a", 33), ""} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := h.run("token", "--profile", name)
			if code != 2 || !strings.Contains(stderr, "invalid profile name") {
				t.Errorf("--profile %q: exit code %d, stderr %q; want 2", name, code, stderr)
			}
		})
	}
}

func TestInsecureStorage(t *testing.T) {
	h := newHarness(t, pdtest.Config{})

	code, stdout, stderr := h.run("login", "--insecure-storage")
	if code != 0 || stdout != "" {
		t.Fatalf("login --insecure-storage = %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	path := filepath.Join(h.configDir, "credentials", "default.json")
	if !strings.Contains(stderr, "warning: --insecure-storage keeps the token in "+path) {
		t.Errorf("stderr lacks the warning naming %s:\n%s", path, stderr)
	}

	assertMode(t, path, 0o600)
	assertMode(t, filepath.Dir(path), 0o700)
	assertMode(t, filepath.Join(h.configDir, "config.json"), 0o600)
	if n := h.keyring.(*credstoretest.Memory).Len(); n != 0 {
		t.Errorf("keychain has %d entries, want none", n)
	}

	record, err := h.fileStore().Load("default")
	if err != nil {
		t.Fatalf("no record in the file: %v", err)
	}
	code, stdout, _ = h.run("token")
	if code != 0 || stdout != record.AccessToken+"\n" {
		t.Errorf("token = %d, %q; want the token from the file", code, stdout)
	}

	// Logging in again without the flag moves the record to the keychain.
	if code, _, stderr := h.run("login"); code != 0 {
		t.Fatalf("login = %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the credentials file is still there after a keychain login: %v", err)
	}
}

func TestLoginNoKeychainNamesInsecureStorage(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.keyring = credstoretest.Failing{Err: errNoSecretService}

	code, _, stderr := h.run("login")
	if code != 1 || !strings.Contains(stderr, "--insecure-storage") {
		t.Errorf("exit code = %d, want 1 naming --insecure-storage; stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(h.configDir, "credentials")); !os.IsNotExist(err) {
		t.Errorf("a credentials directory was created without --insecure-storage: %v", err)
	}
}

func TestEnvironmentTokenWins(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	issued, err := h.store().Load("default")
	if err != nil {
		t.Fatal(err)
	}
	writes := h.keyring.(*credstoretest.Memory).Writes()

	h.env = map[string]string{"PDAUTH_TOKEN": "pdus+_0from-the-environment"}
	code, stdout, stderr := h.run("token")
	if code != 0 || stdout != "pdus+_0from-the-environment\n" || stderr != "" {
		t.Errorf("token = %d, %q, %q; want the PDAUTH_TOKEN value", code, stdout, stderr)
	}

	// whoami sends the variable's token, which the server does not know.
	h.env["PDAUTH_API_URL"] = h.server.URL()
	code, _, stderr = h.run("whoami")
	if code != 4 || !strings.Contains(stderr, "PDAUTH_TOKEN") {
		t.Errorf("whoami with an unknown PDAUTH_TOKEN = %d, stderr %q; want 4 naming PDAUTH_TOKEN", code, stderr)
	}
	h.env["PDAUTH_TOKEN"] = issued.AccessToken
	if code, _, stderr := h.run("whoami"); code != 0 {
		t.Errorf("whoami with a valid PDAUTH_TOKEN = %d, stderr:\n%s", code, stderr)
	}

	h.env["PDAUTH_CLIENT_ID"] = "pdauth-test-client"
	h.env["PDAUTH_OAUTH_URL"] = h.server.URL()
	h.env["PDAUTH_REDIRECT_URI"] = h.redirect
	code, _, stderr = h.run("login")
	if code != 0 || !strings.Contains(stderr, "warning: PDAUTH_TOKEN is set") {
		t.Errorf("login with PDAUTH_TOKEN set = %d, stderr %q; want a warning that the variable wins", code, stderr)
	}
	writes = h.keyring.(*credstoretest.Memory).Writes()

	_, stdout, _ = h.run("status")
	if !strings.Contains(stdout, "PDAUTH_TOKEN is set") {
		t.Errorf("status does not say PDAUTH_TOKEN is used:\n%s", stdout)
	}
	if got := h.keyring.(*credstoretest.Memory).Writes(); got != writes {
		t.Errorf("keychain writes went from %d to %d with PDAUTH_TOKEN set", writes, got)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}
