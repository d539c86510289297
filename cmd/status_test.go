package cmd

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/credstore/credstoretest"
	"github.com/pdauth/pdauth/internal/pdtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// statusClock is the fixed time the status tests run at.
var statusClock = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// saveRecord stores a record for profile directly, as a login would.
func saveRecord(t *testing.T, h *harness, profile string, record *credstore.Record) {
	t.Helper()
	if err := h.store().Save(profile, record); err != nil {
		t.Fatal(err)
	}
}

func fixedRecord(subdomain, refreshToken string, expiry time.Time) *credstore.Record {
	return &credstore.Record{
		AccessToken:  "pdus+_0secret-access-" + subdomain,
		RefreshToken: refreshToken,
		Expiry:       expiry,
		Scope:        "openid read",
		ClientID:     "pdauth-test-client",
		TokenURL:     "http://127.0.0.1:9/oauth/token",
		APIURL:       "https://api.eu.pagerduty.com",
		Subdomain:    subdomain,
		Region:       "eu",
		UserID:       "PXUSR01",
		UserName:     "Test User",
		UserEmail:    "test.user@example.com",
	}
}

func TestStatusJSONGolden(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.now = func() time.Time { return statusClock }
	saveRecord(t, h, "default", fixedRecord("acme", "pdus+_1secret-refresh", statusClock.Add(90*time.Minute)))
	saveRecord(t, h, "expired", fixedRecord("old", "", statusClock.Add(-time.Hour)))
	writeSettings(t, h, `{"profiles": {"default": {}, "expired": {}, "never": {}}}`)

	code, stdout, stderr := h.run("status", "--json")
	if code != 4 {
		t.Errorf("exit code = %d, want 4 because two profiles are not usable; stderr:\n%s", code, stderr)
	}
	if strings.Contains(stdout, "secret") {
		t.Errorf("status printed a token:\n%s", stdout)
	}

	golden := filepath.Join("testdata", "status.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Errorf("status --json differs from %s (rerun with -update after a deliberate change):\ngot:\n%s", golden, stdout)
	}
}

func TestStatusText(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.now = func() time.Time { return statusClock }
	saveRecord(t, h, "default", fixedRecord("acme", "pdus+_1secret-refresh", statusClock.Add(30*24*time.Hour)))

	code, stdout, stderr := h.run("status")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"default (active)",
		"Logged in:  yes, as Test User <test.user@example.com> (PXUSR01)",
		"Account:    acme, region EU (https://api.eu.pagerduty.com)",
		"Scope:      openid read",
		"Expires:    in 30d 0h (2027-01-03 12:00 UTC), refreshed automatically",
		"Stored in:  keychain",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, stdout)
		}
	}
	if stderr != "" || strings.Contains(stdout, "secret") {
		t.Errorf("stderr %q; stdout must not contain a token:\n%s", stderr, stdout)
	}
}

func TestStatusExitCodeFollowsSelection(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.now = func() time.Time { return statusClock }
	saveRecord(t, h, "good", fixedRecord("acme", "pdus+_1r", statusClock.Add(time.Hour)))
	writeSettings(t, h, `{"profiles": {"good": {}, "missing": {}}}`)

	tests := []struct {
		args []string
		want int
	}{
		{args: []string{"status", "--profile", "good"}, want: 0},
		{args: []string{"status", "--profile", "missing"}, want: 4},
		{args: []string{"status"}, want: 4}, // every profile, and "missing" is not usable
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if code, _, stderr := h.run(tt.args...); code != tt.want {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
		})
	}
}

func TestStatusCheck(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()

	code, stdout, stderr := h.run("status", "--check", "--json")
	var statuses []ProfileStatus
	if code != 0 || json.Unmarshal([]byte(stdout), &statuses) != nil || len(statuses) != 1 {
		t.Fatalf("status --check = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if statuses[0].Check == nil || !statuses[0].Check.OK {
		t.Errorf("check = %+v, want ok", statuses[0].Check)
	}

	h.server.ExpireAccessTokens()
	code, stdout, _ = h.run("status", "--check")
	if code != 4 || !strings.Contains(stdout, "Check:      failed: PagerDuty rejected the access token") {
		t.Errorf("status --check with a rejected token = %d, stdout:\n%s", code, stdout)
	}
	if n := h.server.Stats().UsersMeRequests; n != 3 {
		t.Errorf("/users/me requests = %d, want 3 (login and two checks)", n)
	}
}

func TestStatusMakesNoRequest(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	before := h.server.Stats()

	if code, _, stderr := h.run("status"); code != 0 {
		t.Fatalf("status exit code = %d, stderr:\n%s", code, stderr)
	}
	if after := h.server.Stats(); after != before {
		t.Errorf("status made requests: before %+v, after %+v", before, after)
	}
}

func writeSettings(t *testing.T, h *harness, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(h.configDir, "config.json"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestStatusKeychainFailureIsNotAuth(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.keyring = credstoretest.Failing{Err: errNoSecretService}

	code, stdout, stderr := h.run("status")
	if code != 1 {
		t.Errorf("exit code = %d, want 1: a new login does not fix a missing keychain", code)
	}
	if strings.Contains(stderr, "run: pdauth login") {
		t.Errorf("stderr advises a login that cannot help:\n%s", stderr)
	}
	if !strings.Contains(stdout, "Logged in:  unknown: could not read from the keychain") {
		t.Errorf("status does not show the keychain error:\n%s", stdout)
	}
}

func TestStatusSanitizesServerText(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.now = func() time.Time { return statusClock }
	record := fixedRecord("acme", "pdus+_1r", statusClock.Add(time.Hour))
	record.UserName = "Evil\x1b]0;title\x07\x1b[2J"
	saveRecord(t, h, "default", record)

	_, stdout, _ := h.run("status")
	if strings.ContainsAny(stdout, "\x1b\x07") {
		t.Errorf("status printed control characters: %q", stdout)
	}
	if !strings.Contains(stdout, "Evil?]0;title??[2J") {
		t.Errorf("status does not show the name with control characters replaced:\n%s", stdout)
	}
}

func TestStatusAfterRefreshRejected(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	expireStoredToken(t, h)
	h.server.RevokeRefreshTokens()

	if code, _, _ := h.run("token"); code != 4 {
		t.Fatalf("token exit code = %d, want 4", code)
	}

	code, stdout, _ := h.run("status", "--json")
	var statuses []ProfileStatus
	if err := json.Unmarshal([]byte(stdout), &statuses); err != nil || len(statuses) != 1 {
		t.Fatalf("status --json = %q: %v", stdout, err)
	}
	if code != 4 || statuses[0].Usable || !statuses[0].RefreshRejected || !statuses[0].LoggedIn {
		t.Errorf("status = %d, %+v; want 4, logged in, refresh rejected, not usable", code, statuses[0])
	}

	h.login()
	code, stdout, _ = h.run("status", "--json")
	if code != 0 || strings.Contains(stdout, `"refresh_rejected": true`) {
		t.Errorf("status after a new login = %d:\n%s", code, stdout)
	}
}
