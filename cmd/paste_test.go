package cmd

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// authorizeWithoutFollowing approves the authorization request the way a
// browser on another machine would, and returns the callback address it
// would then fail to load.
func authorizeWithoutFollowing(t *testing.T, authURL string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize status = %d, want 302", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func TestLoginPastedURL(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	stdin, typed := io.Pipe()
	defer typed.Close()
	h.stdin, h.stdinTerminal = stdin, true
	h.env["SSH_CONNECTION"] = "192.0.2.10 50000 192.0.2.20 22"

	// The browser is on another machine: nothing reaches the callback
	// server, and the user pastes lines into the terminal instead.
	h.browse = func(authURL string) error {
		go func() {
			callback := authorizeWithoutFollowing(t, authURL)
			wrongState := strings.Replace(callback, "state=", "state=x", 1)
			for _, line := range []string{"\n", "not a url at all\n", wrongState + "\n", callback + "\n"} {
				time.Sleep(20 * time.Millisecond)
				if _, err := io.WriteString(typed, line); err != nil {
					return
				}
			}
		}()
		return nil
	}

	code, stdout, stderr := h.run("login", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	redirect, _ := url.Parse(h.redirect)
	port := redirect.Port()
	for _, want := range []string{
		"paste it here",
		"ssh -L " + port + ":localhost:" + port,
		"the pasted text is not a URL",
		"state parameter does not match",
		"✓ Logged in to pdauth-test",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if n := h.server.Stats().CodeExchanges; n != 1 {
		t.Errorf("code exchanges = %d, want 1", n)
	}
}

func TestLoginPasteIgnoredWithoutTerminal(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.browse = func(authURL string) error {
		go func() {
			callback := authorizeWithoutFollowing(t, authURL)
			_, _ = pdtest.Browse(context.Background(), callback, io.Discard)
		}()
		return nil
	}
	h.stdin = strings.NewReader("garbage that must not be read\n")

	code, _, stderr := h.run("login")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "paste") {
		t.Errorf("stderr offers pasting although stdin is not a terminal:\n%s", stderr)
	}
}
