package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/pdtest"
)

// busConfig is a D-Bus session bus configuration with no service
// directories, so the bus never starts a Secret Service on demand.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// startProcess starts cmd and stops it, by its PID, when the test ends.
func startProcess(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatalf("could not start %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
}

// startBus starts a private session bus and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(busConfig, dir)), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command("dbus-daemon", "--config-file="+config, "--nofork", "--print-address=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	startProcess(t, cmd)

	address, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(address)
}

// startLockedKeyring starts gnome-keyring-daemon on the bus, waits until
// its login collection exists, then locks that collection.
func startLockedKeyring(t *testing.T, bus string) {
	t.Helper()
	startKeyring(t, bus)
	lockCollection(t, bus)
}

// startKeyring starts gnome-keyring-daemon on the bus with an unlocked login
// collection and returns the daemon's process.
func startKeyring(t *testing.T, bus string) *os.Process {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "DBUS_SESSION_BUS_ADDRESS=" + bus, "HOME=" + home,
		"XDG_DATA_HOME=" + home, "XDG_RUNTIME_DIR=" + home, "DISPLAY=",
	}
	cmd.Stdin = strings.NewReader("throwaway-password")
	startProcess(t, cmd)
	return cmd.Process
}

// lockCollection locks the login collection of the keyring on the bus.
func lockCollection(t *testing.T, bus string) {
	t.Helper()

	// The daemon creates the collection a moment after it starts, so the
	// lock request is repeated until the collection exists.
	const collection = "/org/freedesktop/secrets/collection/login"
	deadline := time.Now().Add(30 * time.Second)
	for {
		lock := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
			"/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock", "array:objpath:"+collection)
		lock.Env = []string{"DBUS_SESSION_BUS_ADDRESS=" + bus}
		out, err := lock.CombinedOutput()
		if err == nil && strings.Contains(string(out), collection) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("could not lock the keyring's login collection: %v: %s", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestKeychainFaults(t *testing.T) {
	if os.Getenv("PDAUTH_TEST_REAL_KEYRING") != "1" {
		t.Skip("set PDAUTH_TEST_REAL_KEYRING=1 to test against real D-Bus and gnome-keyring daemons")
	}
	tests := []struct {
		name    string
		bus     func(t *testing.T) string // returns DBUS_SESSION_BUS_ADDRESS; "" leaves it unset
		wantErr string
	}{
		{
			name:    "no session bus",
			bus:     func(t *testing.T) string { return "" },
			wantErr: "no D-Bus session bus found",
		},
		{
			name:    "bus not running",
			bus:     func(t *testing.T) string { return "unix:path=" + filepath.Join(t.TempDir(), "no-bus") },
			wantErr: "is not running",
		},
		{
			name:    "no Secret Service",
			bus:     startBus,
			wantErr: "No Secret Service provider is running",
		},
		{
			name: "locked collection",
			bus: func(t *testing.T) string {
				bus := startBus(t)
				startLockedKeyring(t, bus)
				return bus
			},
			wantErr: "locked or missing",
		},
		{
			name: "daemon not responding",
			bus: func(t *testing.T) string {
				bus := startBus(t)
				daemon := startKeyring(t, bus)
				lockCollection(t, bus) // proves the daemon is up before it is stopped
				if err := daemon.Signal(syscall.SIGSTOP); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = daemon.Signal(syscall.SIGCONT) })
				return bus
			},
			wantErr: "did not respond within 5s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "no session bus" {
				if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
					t.Skip("this machine has a user session bus at /run/user/UID/bus, which pdauth would find")
				}
			}
			server, env := startServer(t, pdtest.Config{})
			marker := filepath.Join(t.TempDir(), "browser-opened")
			env = append(env, "BROWSER=touch "+marker)
			bus := tt.bus(t)

			cmd := exec.Command(filepath.Join(binDir, "pdauth"), "login")
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
			if bus != "" {
				cmd.Env = append(cmd.Env, "DBUS_SESSION_BUS_ADDRESS="+bus)
			}
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()

			exitErr, ok := err.(*exec.ExitError)
			if !ok || exitErr.ExitCode() != 1 {
				t.Errorf("login error = %v, want exit code 1", err)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
			if stdout.String() != "" {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
			if _, err := os.Stat(marker); err == nil {
				t.Error("the browser was opened although the keychain cannot store the token")
			}
			if n := server.Stats().AuthorizeRequests; n != 0 {
				t.Errorf("authorize requests = %d, want 0", n)
			}

			// pdauth token reports a keychain failure itself, in the words
			// of pdauth-core, and waits for the keychain timeout once.
			var launcherStderr string
			for _, program := range []string{"pdauth", "pdauth-core"} {
				token := exec.Command(filepath.Join(binDir, program), "token")
				token.Env = cmd.Env
				var tokenStdout, tokenStderr strings.Builder
				token.Stdout, token.Stderr = &tokenStdout, &tokenStderr
				start := time.Now()
				err = token.Run()
				elapsed := time.Since(start)

				exitErr, ok = err.(*exec.ExitError)
				if !ok || exitErr.ExitCode() != 1 {
					t.Errorf("%s token error = %v, want exit code 1", program, err)
				}
				if !strings.Contains(tokenStderr.String(), tt.wantErr) {
					t.Errorf("%s token stderr lacks %q:\n%s", program, tt.wantErr, tokenStderr.String())
				}
				if tokenStdout.String() != "" {
					t.Errorf("%s token stdout = %q, want nothing", program, tokenStdout.String())
				}
				if elapsed >= 2*credstore.DefaultTimeout {
					t.Errorf("%s token took %v, want less than two keychain timeouts of %v", program, elapsed, credstore.DefaultTimeout)
				}
				if program == "pdauth" {
					launcherStderr = tokenStderr.String()
				} else if tokenStderr.String() != launcherStderr {
					t.Errorf("pdauth token stderr differs from pdauth-core token:\n%s\nand\n%s", launcherStderr, tokenStderr.String())
				}
			}
		})
	}
}
