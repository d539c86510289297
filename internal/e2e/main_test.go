// Package e2e runs the built pdauth binary through login, whoami and token
// against a pdtest server on loopback, the real Secret Service and, for one
// test, a real headless Chromium.
//
// These tests need a keychain that may be written: set
// PDAUTH_TEST_REAL_KEYRING=1 and run them under scripts/with-keyring.sh,
// which starts a throwaway unlocked keyring on a private D-Bus session.
// PDAUTH_TEST_CHROMIUM names the Chromium binary for the browser test.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// binDir holds the pdauth, pdauth-core and pdtestserver binaries built by
// TestMain.
var binDir string

// xdgHome is the base of the XDG_CONFIG_HOME and XDG_CACHE_HOME that pdauth
// gets, so that the tests never touch the developer's own settings.
var xdgHome string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "pdauth-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	xdgHome = filepath.Join(dir, "xdg")

	for name, pkg := range map[string]string{
		"pdauth":       "github.com/pdauth/pdauth",
		"pdauth-core":  "github.com/pdauth/pdauth/cmd/pdauth-core",
		"pdtestserver": "github.com/pdauth/pdauth/internal/pdtest/cmd/pdtestserver",
	} {
		build := exec.Command("go", "build", "-race", "-o", filepath.Join(dir, name), pkg)
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "could not build %s: %v\n", name, err)
			return 1
		}
	}
	return m.Run()
}

// result is the outcome of one pdauth run.
type result struct {
	code   int
	stdout string
	stderr string
}

// pdauth runs the built pdauth with env added to a minimal environment.
func pdauth(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runBinary(t, filepath.Join(binDir, "pdauth"), env, args...)
}

// runBinary runs binary with env added to a minimal environment.
func runBinary(t *testing.T, binary string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(baseEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// A browser that pdauth started may keep the stderr pipe open after
	// pdauth exits; stop waiting for it then.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()

	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("could not run %s %v: %v", binary, args, err)
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// baseEnv passes on only what the keychain and the tools need, so that a
// developer's own PDAUTH_ or BROWSER settings cannot leak into a test, and
// points pdauth's settings and lock files at xdgHome.
func baseEnv() []string {
	env := []string{
		"XDG_CONFIG_HOME=" + filepath.Join(xdgHome, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(xdgHome, "cache"),
	}
	for _, key := range []string{"PATH", "HOME", "TMPDIR", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"} {
		if v, ok := os.LookupEnv(key); ok {
			env = append(env, key+"="+v)
		}
	}
	return env
}
