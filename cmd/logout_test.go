package cmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestLogoutLoginRoundTrip(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()

	code, stdout, stderr := h.run("logout")
	if code != 0 || stdout != "" {
		t.Fatalf("logout = %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{`✓ Logged out of profile "default" (pdauth-test)`, "This is local only", "PagerDuty's web UI"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("logout stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := h.store().Load("default"); !errors.Is(err, credstore.ErrNotFound) {
		t.Errorf("record still stored after logout: %v", err)
	}
	settings, _ := os.ReadFile(filepath.Join(h.configDir, "config.json"))
	if strings.Contains(string(settings), `"default"`) {
		t.Errorf("settings still name the profile after logout: %s", settings)
	}

	if code, _, _ := h.run("token"); code != 4 {
		t.Errorf("token after logout exit code = %d, want 4", code)
	}

	code, _, stderr = h.run("logout")
	if code != 0 || !strings.Contains(stderr, "is not logged in; nothing to do") {
		t.Errorf("second logout = %d, stderr %q; want 0 saying there was nothing to do", code, stderr)
	}

	h.login()
	if code, _, stderr := h.run("token"); code != 0 {
		t.Errorf("token after logging in again = %d, stderr:\n%s", code, stderr)
	}
}

func TestLogoutDuringRefreshes(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	expireStoredToken(t, h)

	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.run("token")
		}()
	}
	code, _, stderr := h.run("logout")
	wg.Wait()

	if code != 0 {
		t.Fatalf("logout exit code = %d, stderr:\n%s", code, stderr)
	}
	if _, err := h.store().Load("default"); !errors.Is(err, credstore.ErrNotFound) {
		t.Errorf("a token call recreated the record after logout: %v", err)
	}
}
