package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/credstore"
)

// releaseLdflags are the -X flags of the release build, with test values.
const releaseLdflags = "-X main.version=9.8.7 -X main.commit=0123456789abcdef -X main.date=2026-02-03T04:05:06Z"

// build builds the main package pkg into dir/name with extra go build
// arguments.
func build(t *testing.T, dir, name, pkg string, args ...string) string {
	t.Helper()
	binary := filepath.Join(dir, name)
	command := exec.Command("go", append(append([]string{"build", "-o", binary}, args...), pkg)...)
	if out, err := command.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return binary
}

// run runs binary with args and only the variables in env, and returns its
// exit code, stdout and stderr.
func run(t *testing.T, env []string, binary string, args ...string) (int, string, string) {
	t.Helper()
	command := exec.Command(binary, args...)
	command.Env = env
	var stdout, stderr bytes.Buffer
	command.Stdout, command.Stderr = &stdout, &stderr
	err := command.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), stdout.String(), stderr.String()
	}
	if err != nil {
		t.Fatalf("%s %s: %v", binary, strings.Join(args, " "), err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestLinksNoHeavyPackage checks that pdauth does not link the packages that
// make a Go program slower to start and larger in memory. pdauth-core links
// them instead.
func TestLinksNoHeavyPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := map[string]bool{}
	for _, dep := range strings.Fields(string(out)) {
		deps[dep] = true
	}
	for _, heavy := range []string{
		"net/http",
		"crypto/tls",
		"text/template",
		"golang.org/x/oauth2",
		"github.com/spf13/cobra",
		"github.com/PagerDuty/go-pagerduty",
	} {
		if deps[heavy] {
			t.Errorf("pdauth links %s", heavy)
		}
	}
}

// TestVersionLdflags builds pdauth and pdauth-core the way the release does
// and checks that the -X flags reach both ways of printing the version
// through pdauth.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pdauth and pdauth-core; skipped with -short")
	}
	dir := t.TempDir()
	pdauth := build(t, dir, "pdauth", ".")
	build(t, dir, "pdauth-core", "./cmd/pdauth-core", "-ldflags", releaseLdflags)

	const want = "pdauth version 9.8.7 (commit 0123456789abcdef, built 2026-02-03T04:05:06Z)\n"
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, stdout, stderr := run(t, nil, pdauth, args...)
		if code != 0 || stdout != want {
			t.Errorf("pdauth %s = %d, %q (stderr %q); want 0, %q", strings.Join(args, " "), code, stdout, stderr, want)
		}
	}
}

// TestRunsCoreThroughSymlink checks that pdauth finds pdauth-core next to
// the file that a symbolic link to pdauth points to, as with Homebrew, and
// passes its exit code and streams on.
func TestRunsCoreThroughSymlink(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pdauth and pdauth-core; skipped with -short")
	}
	dir := t.TempDir()
	pdauth := build(t, dir, "pdauth", ".")
	build(t, dir, "pdauth-core", "./cmd/pdauth-core")
	linkDir := t.TempDir()
	link := filepath.Join(linkDir, "pdauth")
	if err := os.Symlink(pdauth, link); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, nil, link, "--no-such-flag")
	if code != 2 {
		t.Errorf("exit code = %d, want 2 (usage error)", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "unknown flag: --no-such-flag") {
		t.Errorf("stderr = %q, want pdauth-core's unknown flag error", stderr)
	}
}

// TestWithoutCore checks pdauth alone: it prints a token that needs no
// refresh by itself, and names the missing pdauth-core for anything else.
func TestWithoutCore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pdauth; skipped with -short")
	}
	pdauth := build(t, t.TempDir(), "pdauth", ".")

	// A login stored with --insecure-storage needs no keychain.
	configHome := t.TempDir()
	dir := filepath.Join(configHome, "pdauth")
	settings := &config.File{Profiles: map[string]*config.Profile{"default": {Storage: config.StorageFile}}}
	if err := settings.Save(dir); err != nil {
		t.Fatal(err)
	}
	record := &credstore.Record{
		AccessToken:  "stored-access-token",
		RefreshToken: "stored-refresh-token",
		Expiry:       time.Now().Add(time.Hour),
		ClientID:     "client",
		TokenURL:     "http://127.0.0.1:1/oauth/token",
		APIURL:       "http://127.0.0.1:1",
	}
	files := credstore.FileKeyringIn(dir)
	if err := (&credstore.Store{Keyring: files}).Save("default", record); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + configHome, "XDG_CACHE_HOME=" + t.TempDir()}

	t.Run("fresh token", func(t *testing.T) {
		code, stdout, stderr := run(t, env, pdauth, "token")
		if code != 0 || stdout != "stored-access-token\n" || stderr != "" {
			t.Errorf("pdauth token = %d, %q, %q; want 0, %q, nothing on stderr", code, stdout, stderr, "stored-access-token\n")
		}
	})
	t.Run("PDAUTH_TOKEN", func(t *testing.T) {
		code, stdout, _ := run(t, append(env, "PDAUTH_TOKEN=ci-token"), pdauth, "--profile", "ci", "token")
		if code != 0 || stdout != "ci-token\n" {
			t.Errorf("pdauth token = %d, %q; want 0, %q", code, stdout, "ci-token\n")
		}
	})
	t.Run("other command", func(t *testing.T) {
		code, stdout, stderr := run(t, env, pdauth, "whoami")
		if code != 1 {
			t.Errorf("exit code = %d, want 1", code)
		}
		if stdout != "" {
			t.Errorf("stdout = %q, want nothing", stdout)
		}
		if !strings.Contains(stderr, "pdauth-core is missing") || !strings.Contains(stderr, "same directory") {
			t.Errorf("stderr = %q, want it to name the missing pdauth-core and where it goes", stderr)
		}
	})
}
