package cmd

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/pdtest"
)

// expireStoredToken makes the saved access token look expired to pdauth and
// returns the record as it is now stored.
func expireStoredToken(t *testing.T, h *harness) *credstore.Record {
	t.Helper()
	return setStoredExpiry(t, h, time.Now().Add(-time.Minute))
}

// setStoredExpiry changes the saved access token's expiry and returns the
// record as it is now stored.
func setStoredExpiry(t *testing.T, h *harness, expiry time.Time) *credstore.Record {
	t.Helper()
	record, err := h.store().Load("default")
	if err != nil {
		t.Fatal(err)
	}
	record.Expiry = expiry
	if err := h.store().Save("default", record); err != nil {
		t.Fatal(err)
	}
	return record
}

func TestTokenNotLoggedIn(t *testing.T) {
	h := newHarness(t, pdtest.Config{})

	for _, command := range []string{"token", "whoami"} {
		t.Run(command, func(t *testing.T) {
			code, stdout, stderr := h.run(command)
			if code != 4 {
				t.Errorf("exit code = %d, want 4", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, "not logged in") || !strings.Contains(stderr, "run: pdauth login") {
				t.Errorf("stderr does not say to log in:\n%s", stderr)
			}
		})
	}
}

func TestTokenRefreshesExpiredToken(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	old := expireStoredToken(t, h)

	code, stdout, stderr := h.run("token")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}

	saved, err := h.store().Load("default")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != saved.AccessToken+"\n" || saved.AccessToken == old.AccessToken {
		t.Errorf("stdout = %q, want the new saved access token %q", stdout, saved.AccessToken)
	}
	if saved.RefreshToken == old.RefreshToken || saved.RefreshToken == "" {
		t.Errorf("refresh token not rotated in the keychain")
	}
	if !saved.Expiry.After(time.Now().Add(30 * time.Minute)) {
		t.Errorf("saved expiry %s is not the new token's", saved.Expiry)
	}
	if stats := h.server.Stats(); stats.Refreshes != 1 {
		t.Errorf("refresh requests = %d, want 1", stats.Refreshes)
	}

	// The new token works, and the next call needs no refresh.
	if code, _, stderr := h.run("whoami"); code != 0 {
		t.Errorf("whoami after refresh exit code = %d, stderr:\n%s", code, stderr)
	}
	if stats := h.server.Stats(); stats.Refreshes != 1 {
		t.Errorf("refresh requests after whoami = %d, want still 1", stats.Refreshes)
	}
}

func TestTokenRefreshFailureKeepsRecord(t *testing.T) {
	tests := []struct {
		name     string
		breakIt  func(*pdtest.Server)
		wantCode int
		wantErr  string
	}{
		{name: "refresh token revoked", breakIt: (*pdtest.Server).RevokeRefreshTokens, wantCode: 4, wantErr: "invalid_grant"},
		{name: "token endpoint down", breakIt: (*pdtest.Server).Close, wantCode: 1, wantErr: "could not refresh the access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			h.login()
			expireStoredToken(t, h)
			before, _ := h.keyring.Get(credstore.Service, "default")
			tt.breakIt(h.server)

			code, stdout, stderr := h.run("token")
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit code = %d, want %d with %q; stderr:\n%s", code, tt.wantCode, tt.wantErr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if after, _ := h.keyring.Get(credstore.Service, "default"); after != before {
				t.Errorf("stored record changed by a failed refresh")
			}
		})
	}
}

func TestWhoamiRejectedToken(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	h.server.ExpireAccessTokens() // revoked on the server, fresh locally

	code, stdout, stderr := h.run("whoami")
	if code != 4 || !strings.Contains(stderr, "401") || !strings.Contains(stderr, "run: pdauth login") {
		t.Errorf("exit code = %d, want 4 with a 401 and the login hint; stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
}

func TestVersion(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, stdout, _ := h.run(args...)
		if code != 0 || stdout != "pdauth version test\n" {
			t.Errorf("pdauth %v = %d, %q; want 0, %q", args, code, stdout, "pdauth version test\n")
		}
	}
}

func TestTokenRefreshFailsBeforeExpiry(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(*pdtest.Server)
		wantErr string
	}{
		{name: "refresh token revoked", breakIt: (*pdtest.Server).RevokeRefreshTokens, wantErr: "invalid_grant"},
		{name: "token endpoint down", breakIt: (*pdtest.Server).Close, wantErr: "could not refresh the access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			h.login()
			record := setStoredExpiry(t, h, time.Now().Add(2*time.Minute)) // inside the refresh window, not expired
			tt.breakIt(h.server)

			code, stdout, stderr := h.run("token")
			if code != 0 || stdout != record.AccessToken+"\n" {
				t.Errorf("token = %d, %q; want 0 and the still-valid token", code, stdout)
			}
			if !strings.Contains(stderr, "warning: ") || !strings.Contains(stderr, tt.wantErr) ||
				!strings.Contains(stderr, "Using the current access token") {
				t.Errorf("stderr lacks the warning:\n%s", stderr)
			}
		})
	}
}

func TestTokenInterruptedDuringRefresh(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	setFault := faultyIdentity(t, h)
	h.login()
	setStoredExpiry(t, h, time.Now().Add(2*time.Minute)) // inside the refresh window, not expired
	before, _ := h.keyring.Get(credstore.Service, "default")

	ctx, cancel := context.WithCancel(context.Background())
	setFault(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		cancel() // Ctrl-C while the refresh request is waiting
		<-r.Context().Done()
	})

	code, stdout, stderr := h.runContext(ctx, "token")
	if code != 130 {
		t.Errorf("exit code = %d, want 130; stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing: an interrupted refresh prints no token", stdout)
	}
	if !strings.Contains(stderr, "pdauth: interrupted") {
		t.Errorf("stderr lacks the interrupted line:\n%s", stderr)
	}
	if after, _ := h.keyring.Get(credstore.Service, "default"); after != before {
		t.Error("stored record changed by an interrupted refresh")
	}
}
