package launch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/credstore/credstoretest"
)

var testNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func TestTokenProfile(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		envProfile  string
		wantProfile string
		wantOK      bool
	}{
		{"plain", []string{"token"}, "", "default", true},
		{"environment", []string{"token"}, "eu", "eu", true},
		{"flag after", []string{"token", "--profile", "us"}, "eu", "us", true},
		{"flag before", []string{"--profile", "us", "token"}, "", "us", true},
		{"flag with equals", []string{"--profile=us", "token"}, "", "us", true},
		{"profile named token", []string{"--profile", "token", "token"}, "", "token", true},
		{"no command", nil, "", "", false},
		{"other command", []string{"whoami"}, "", "", false},
		{"only a profile named token", []string{"--profile", "token"}, "", "", false},
		{"flag without value", []string{"token", "--profile"}, "", "", false},
		{"two profile flags", []string{"--profile", "a", "token", "--profile", "b"}, "", "", false},
		{"token twice", []string{"token", "token"}, "", "", false},
		{"debug flag", []string{"token", "--debug"}, "", "", false},
		{"help flag", []string{"token", "--help"}, "", "", false},
		{"short flag", []string{"token", "-h"}, "", "", false},
		{"end of flags", []string{"token", "--"}, "", "", false},
		{"invalid flag profile", []string{"token", "--profile", "a/b"}, "", "", false},
		{"empty flag profile", []string{"token", "--profile="}, "", "", false},
		{"invalid environment profile", []string{"token"}, "../x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(key string) string {
				if key == "PDAUTH_PROFILE" {
					return tt.envProfile
				}
				return ""
			}
			profile, ok := tokenProfile(tt.args, getenv)
			if ok != tt.wantOK || profile != tt.wantProfile {
				t.Errorf("tokenProfile(%q) = %q, %v; want %q, %v", tt.args, profile, ok, tt.wantProfile, tt.wantOK)
			}
		})
	}
}

// testEnv returns an Env for args with an empty configuration directory,
// an in-memory keyring, testNow as the clock and the variables in vars.
func testEnv(t *testing.T, vars map[string]string, args ...string) (Env, *credstoretest.Memory) {
	t.Helper()
	dir := t.TempDir()
	keyring := credstoretest.NewMemory()
	return Env{
		Args:      args,
		Getenv:    func(key string) string { return vars[key] },
		ConfigDir: func() (string, error) { return dir, nil },
		Keyring:   keyring,
		Now:       func() time.Time { return testNow },
	}, keyring
}

// saveRecord stores a record for profile whose access token is token and
// which expires after lifetime, with a refresh token when refreshable.
func saveRecord(t *testing.T, keyring credstore.Keyring, profile, token string, lifetime time.Duration, refreshable bool) {
	t.Helper()
	record := &credstore.Record{
		AccessToken: token,
		Expiry:      testNow.Add(lifetime),
		ClientID:    "client",
		TokenURL:    "http://127.0.0.1:1/oauth/token",
		APIURL:      "http://127.0.0.1:1",
	}
	if refreshable {
		record.RefreshToken = "refresh-" + token
	}
	if err := (&credstore.Store{Keyring: keyring}).Save(profile, record); err != nil {
		t.Fatal(err)
	}
}

func TestQuickTokenFreshRecord(t *testing.T) {
	env, keyring := testEnv(t, nil, "token")
	saveRecord(t, keyring, "default", "fresh-token", time.Hour, true)

	token, ok, err := QuickToken(env)
	if err != nil || !ok || token != "fresh-token" {
		t.Errorf("QuickToken() = %q, %v, %v; want %q, true, nil", token, ok, err, "fresh-token")
	}
}

func TestQuickTokenSelectsProfile(t *testing.T) {
	env, keyring := testEnv(t, map[string]string{"PDAUTH_PROFILE": "eu"}, "token")
	saveRecord(t, keyring, "default", "us-token", time.Hour, true)
	saveRecord(t, keyring, "eu", "eu-token", time.Hour, true)

	token, ok, err := QuickToken(env)
	if err != nil || !ok || token != "eu-token" {
		t.Errorf("QuickToken() = %q, %v, %v; want %q, true, nil", token, ok, err, "eu-token")
	}
}

func TestQuickTokenLeavesRestToCore(t *testing.T) {
	tests := []struct {
		name        string
		vars        map[string]string
		args        []string
		lifetime    time.Duration
		refreshable bool
	}{
		{"within the refresh margin", nil, []string{"token"}, credstore.RefreshBefore - time.Second, true},
		{"expired", nil, []string{"token"}, -time.Minute, true},
		{"expired without refresh token", nil, []string{"token"}, -time.Minute, false},
		{"debug trace", map[string]string{"PDAUTH_DEBUG": "1"}, []string{"token"}, time.Hour, true},
		{"other command", nil, []string{"whoami"}, time.Hour, true},
		{"other profile", nil, []string{"token", "--profile", "eu"}, time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, keyring := testEnv(t, tt.vars, tt.args...)
			saveRecord(t, keyring, "default", "stored-token", tt.lifetime, tt.refreshable)

			if token, ok, err := QuickToken(env); ok || err != nil {
				t.Errorf("QuickToken() = %q, %v, %v; want false, nil, so that pdauth-core runs", token, ok, err)
			}
		})
	}
}

func TestQuickTokenWithoutRefreshToken(t *testing.T) {
	// pdauth-core also prints such a token as it is, because it cannot
	// refresh it.
	env, keyring := testEnv(t, nil, "token")
	saveRecord(t, keyring, "default", "last-minutes", time.Minute, false)

	token, ok, err := QuickToken(env)
	if err != nil || !ok || token != "last-minutes" {
		t.Errorf("QuickToken() = %q, %v, %v; want %q, true, nil", token, ok, err, "last-minutes")
	}
}

func TestQuickTokenEnvironmentToken(t *testing.T) {
	env, _ := testEnv(t, map[string]string{"PDAUTH_TOKEN": "ci-token"}, "token")
	env.Keyring = credstoretest.Failing{Err: errors.New("the keychain must not be read")}
	env.ConfigDir = func() (string, error) { return "", errors.New("the settings must not be read") }

	token, ok, err := QuickToken(env)
	if err != nil || !ok || token != "ci-token" {
		t.Errorf("QuickToken() = %q, %v, %v; want %q, true, nil", token, ok, err, "ci-token")
	}
}

func TestQuickTokenEnvironmentTokenInvalidProfile(t *testing.T) {
	// pdauth-core reports the invalid profile as a usage error.
	env, _ := testEnv(t, map[string]string{"PDAUTH_TOKEN": "ci-token", "PDAUTH_PROFILE": "a b"}, "token")

	if token, ok, err := QuickToken(env); ok || err != nil {
		t.Errorf("QuickToken() = %q, %v, %v; want false, nil", token, ok, err)
	}
}

func TestQuickTokenErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, env *Env)
	}{
		{"not logged in", func(*testing.T, *Env) {}},
		{"no configuration directory", func(_ *testing.T, env *Env) {
			env.ConfigDir = func() (string, error) { return "", errors.New("no home directory") }
		}},
		{"invalid settings file", func(t *testing.T, env *Env) {
			dir, _ := env.ConfigDir()
			if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte("{"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"invalid record", func(t *testing.T, env *Env) {
			if err := env.Keyring.Set(credstore.Service, "default", "not json"); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := testEnv(t, nil, "token")
			tt.setup(t, &env)

			if token, ok, err := QuickToken(env); ok || err != nil {
				t.Errorf("QuickToken() = %q, %v, %v; want false, nil, so that pdauth-core reports the error", token, ok, err)
			}
		})
	}
}

func TestQuickTokenFileStorage(t *testing.T) {
	env, keyring := testEnv(t, nil, "token")
	dir, _ := env.ConfigDir()
	settings := &config.File{Profiles: map[string]*config.Profile{"default": {Storage: config.StorageFile}}}
	if err := settings.Save(dir); err != nil {
		t.Fatal(err)
	}
	saveRecord(t, credstore.FileKeyringIn(dir), "default", "file-token", time.Hour, true)
	saveRecord(t, keyring, "default", "keychain-token", time.Hour, true)

	token, ok, err := QuickToken(env)
	if err != nil || !ok || token != "file-token" {
		t.Errorf("QuickToken() = %q, %v, %v; want %q, true, nil", token, ok, err, "file-token")
	}
}

// blockingKeyring is a keychain whose calls never return.
type blockingKeyring struct{ credstoretest.Failing }

func (blockingKeyring) Get(string, string) (string, error) { select {} }

func TestQuickTokenKeychainError(t *testing.T) {
	env, _ := testEnv(t, nil, "token")
	env.Keyring = credstoretest.Failing{Err: errors.New("no Secret Service")}

	token, ok, err := QuickToken(env)
	if ok || token != "" {
		t.Errorf("QuickToken() = %q, %v; want \"\", false", token, ok)
	}
	var keychainErr *credstore.KeychainError
	if !errors.As(err, &keychainErr) || !strings.Contains(err.Error(), "no Secret Service") {
		t.Errorf("error = %v, want the KeychainError, reported without running pdauth-core", err)
	}
}

func TestQuickTokenKeychainTimeout(t *testing.T) {
	env, _ := testEnv(t, nil, "token")
	env.Keyring = blockingKeyring{}
	env.KeychainTimeout = 10 * time.Millisecond

	token, ok, err := QuickToken(env)
	if ok || token != "" {
		t.Errorf("QuickToken() = %q, %v; want \"\", false", token, ok)
	}
	if !errors.Is(err, credstore.ErrTimeout) {
		t.Errorf("error = %v, want credstore.ErrTimeout, reported without running pdauth-core", err)
	}
}
