package e2e

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/launch"
	"github.com/pdauth/pdauth/internal/pdtest"
)

// TestLoginInterruptFreesPort sends SIGINT to a login that waits for the
// browser. pdauth must exit 130, write nothing, and leave the port free for
// the next login at once.
func TestLoginInterruptFreesPort(t *testing.T) {
	store := realKeyring(t)
	_, env := startServer(t, pdtest.Config{})
	env = append(env, "BROWSER=true") // a browser that never comes back

	cmd := exec.Command(filepath.Join(binDir, "pdauth"), "login")
	cmd.Env = append(baseEnv(), env...)
	var stderr pdtest.SyncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "Waiting up to") {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("login did not start waiting; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()

	exitErr, ok := err.(*exec.ExitError)
	if !ok || exitErr.ExitCode() != 130 {
		t.Errorf("login after SIGINT: %v, want exit code 130; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
	}
	if _, err := store.Load("default"); err == nil {
		t.Error("an interrupted login saved a record")
	}

	redirect := ""
	for _, kv := range env {
		if v, found := strings.CutPrefix(kv, "PDAUTH_REDIRECT_URI="); found {
			redirect = v
		}
	}
	u, _ := url.Parse(redirect)
	l, err := net.Listen("tcp", "127.0.0.1:"+u.Port())
	if err != nil {
		t.Fatalf("port %s not free right after the interrupted login: %v", u.Port(), err)
	}
	l.Close()
}

// TestTokenInterruptedInKeychain sends SIGINT to pdauth token, and to
// pdauth-core token, while the keychain call has waited for a while on a
// session bus that never replies. Both must stop at once with exit code 130, not wait for the
// keychain timeout.
func TestTokenInterruptedInKeychain(t *testing.T) {
	for _, program := range []string{"pdauth", "pdauth-core"} {
		t.Run(program, func(t *testing.T) {
			socket := filepath.Join(t.TempDir(), "bus")
			listener, err := net.Listen("unix", socket)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { listener.Close() })
			connected := make(chan net.Conn, 1)
			go func() {
				conn, err := listener.Accept()
				if err == nil {
					connected <- conn // held open, with no reply
				}
			}()

			cmd := exec.Command(filepath.Join(binDir, program), "token")
			cmd.Env = append(baseEnv(), "DBUS_SESSION_BUS_ADDRESS=unix:path="+socket)
			var stdout, stderr pdtest.SyncBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case conn := <-connected:
				t.Cleanup(func() { conn.Close() })
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("%s token did not connect to the session bus; stderr:\n%s", program, stderr.String())
			}
			// pdauth handles signals itself only after InterruptDelay.
			time.Sleep(5 * launch.InterruptDelay)

			sent := time.Now()
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			elapsed := time.Since(sent)

			exitErr, ok := err.(*exec.ExitError)
			if !ok || exitErr.ExitCode() != 130 {
				t.Errorf("%s token after SIGINT: %v, want exit code 130; stderr:\n%s", program, err, stderr.String())
			}
			if stderr.String() != "pdauth: interrupted\n" {
				t.Errorf("stderr = %q, want %q", stderr.String(), "pdauth: interrupted\n")
			}
			if stdout.String() != "" {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
			if elapsed >= credstore.DefaultTimeout {
				t.Errorf("%s token exited %v after SIGINT, want before the %v keychain timeout", program, elapsed, credstore.DefaultTimeout)
			}
		})
	}
}
