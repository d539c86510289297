package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// chromiumFlags start Chromium headless with no network use of its own.
// --host-resolver-rules makes every name but localhost fail to resolve, so
// Chromium cannot look up Google's update and account hosts.
// --password-store=basic keeps Chromium away from the Secret Service that
// the tests share, and --timeout stops the page load after 20 s so that
// --dump-dom always ends.
const chromiumFlags = `--headless --no-sandbox --disable-gpu --disable-quic --no-first-run ` +
	`--disable-background-networking --disable-component-update --disable-sync ` +
	`--password-store=basic --timeout=20000 ` +
	`--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"`

// writeChromiumLauncher writes the script pdauth runs as BROWSER. It loads
// the URL in a fresh profile, saves the DOM of the page it ends on (the
// callback page) and writes Chromium's exit status last, as the sign that
// it has finished. The script sends its own output to files, so that it
// does not keep pdauth's stderr pipe open, and stops Chromium after 90 s.
func writeChromiumLauncher(t *testing.T, chromium, outDir string) string {
	t.Helper()
	script := `#!/bin/sh
exec >"` + outDir + `/launcher.log" 2>&1 </dev/null
profile=$(mktemp -d)
timeout 90 "` + chromium + `" ` + chromiumFlags + ` --user-data-dir="$profile" --dump-dom "$1" >"` + outDir + `/dom.html" 2>"` + outDir + `/chromium.log"
status=$?
rm -rf "$profile"
echo "$status" >"` + outDir + `/status.tmp" && mv "` + outDir + `/status.tmp" "` + outDir + `/status"
`
	path := filepath.Join(t.TempDir(), "chromium-launcher")
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitForFile waits until path exists and returns its content.
func waitForFile(t *testing.T, path string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil {
			return string(data)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not appear within %s", path, timeout)
	return ""
}

func TestLoginWithHeadlessChromium(t *testing.T) {
	chromium := os.Getenv("PDAUTH_TEST_CHROMIUM")
	if chromium == "" {
		t.Skip("set PDAUTH_TEST_CHROMIUM to a Chromium binary to log in through a real browser")
	}
	realKeyring(t)
	server, env := startServer(t, pdtest.Config{})
	outDir := t.TempDir()
	env = append(env, "BROWSER="+writeChromiumLauncher(t, chromium, outDir))

	login := pdauth(t, env, "login", "--timeout", "2m", "--debug")
	// Chromium outlives pdauth; wait for it before reading its output or
	// letting t.TempDir remove the directory it writes to.
	status := waitForFile(t, filepath.Join(outDir, "status"), 2*time.Minute)

	if login.code != 0 {
		log, _ := os.ReadFile(filepath.Join(outDir, "chromium.log"))
		t.Fatalf("login exit code = %d, stderr:\n%s\nChromium log:\n%s", login.code, login.stderr, log)
	}
	if login.stdout != "" {
		t.Errorf("login stdout = %q, want nothing", login.stdout)
	}
	if !strings.Contains(login.stderr, "✓ Logged in to pdauth-test as Test User") {
		t.Errorf("login stderr lacks the ✓ line:\n%s", login.stderr)
	}
	// The callback server's trace shows that the browser's request, sent to
	// localhost, got the success page.
	if !strings.Contains(login.stderr, "debug: callback server: GET /callback?code=[redacted]&state=[redacted] (Host localhost:") ||
		!strings.Contains(login.stderr, ") -> 200") {
		t.Errorf("login stderr does not show the callback served to the browser:\n%s", login.stderr)
	}

	if strings.TrimSpace(status) != "0" {
		t.Errorf("Chromium exited with status %s", status)
	}
	dom, _ := os.ReadFile(filepath.Join(outDir, "dom.html"))
	if !strings.Contains(string(dom), "You can close this tab and go back to the terminal") {
		t.Errorf("Chromium did not end on the success page; DOM:\n%s", dom)
	}
	if stats := server.Stats(); stats.AuthorizeRequests != 1 || stats.CodeExchanges != 1 {
		t.Errorf("server stats = %+v, want 1 authorize request and 1 code exchange", stats)
	}

	token := pdauth(t, nil, "token")
	if token.code != 0 || !strings.HasPrefix(token.stdout, "pdus+_0") {
		t.Errorf("token after a Chromium login = %d, stdout %q, stderr %q", token.code, token.stdout, token.stderr)
	}
}
