package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// writeScript writes an executable shell script and returns its path.
func writeScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "browser")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitFor polls read until it returns a non-empty string.
func waitFor(t *testing.T, read func() string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if s := read(); s != "" {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the browser command wrote nothing within 5s")
	return ""
}

func TestBrowserCommandArguments(t *testing.T) {
	const url = "http://localhost:5000/x?a=1&b=2"
	script := writeScript(t, `printf '%s|' "$@"; echo`)

	tests := []struct {
		name    string
		command string
		want    string
	}{
		{name: "URL appended", command: script + " --new-window", want: "--new-window|" + url + "|"},
		{name: "URL in place of %s", command: script + " %s --flag", want: url + "|--flag|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr pdtest.SyncBuffer
			l := &Launcher{Command: tt.command, Stderr: &stderr}
			if err := l.Open(url); err != nil {
				t.Fatalf("Open() error = %v", err)
			}
			got := strings.TrimSpace(waitFor(t, stderr.String))
			if got != tt.want {
				t.Errorf("browser arguments = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBrowserCommandNotAwaited(t *testing.T) {
	script := writeScript(t, "sleep 3\n")
	l := &Launcher{Command: script, Stderr: &pdtest.SyncBuffer{}}

	start := time.Now()
	if err := l.Open("http://localhost:5000/"); err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Open waited %s for the browser to exit", elapsed)
	}
}

func TestBrowserCommandMissing(t *testing.T) {
	l := &Launcher{Command: filepath.Join(t.TempDir(), "no-such-browser"), Stderr: &pdtest.SyncBuffer{}}
	err := l.Open("http://localhost:5000/")
	if err == nil || !strings.Contains(err.Error(), "from BROWSER") {
		t.Fatalf("Open() error = %v, want one naming BROWSER", err)
	}
}

func TestBrowserListTriedInOrder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-browser")
	second := writeScript(t, `echo second "$1"`)
	third := writeScript(t, `echo third "$1"`)
	var stderr pdtest.SyncBuffer
	l := &Launcher{Command: missing + ":" + second + ":" + third, Stderr: &stderr}

	if err := l.Open("http://localhost:5000/"); err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	if got := strings.TrimSpace(waitFor(t, stderr.String)); got != "second http://localhost:5000/" {
		t.Errorf("browser output = %q, want the second command's", got)
	}
}

func TestBrowserOnWSL(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "wslview"), []byte("#!/bin/sh\necho wslview \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	var stderr pdtest.SyncBuffer
	l := &Launcher{Stderr: &stderr, IsWSL: func() bool { return true }}

	if err := l.Open("http://localhost:5000/"); err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	if got := strings.TrimSpace(waitFor(t, stderr.String)); got != "wslview http://localhost:5000/" {
		t.Errorf("opener output = %q, want wslview's", got)
	}
}

func TestBrowserCommandOwnSession(t *testing.T) {
	script := writeScript(t, `cut -d" " -f6 /proc/$$/stat; cut -d" " -f6 /proc/$PPID/stat`) // field 6 is the session ID
	var stderr pdtest.SyncBuffer
	l := &Launcher{Command: script, Stderr: &stderr}
	if err := l.Open("http://localhost:5000/"); err != nil {
		t.Fatalf("Open() error = %v", err)
	}

	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(stderr.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	sessions := strings.Fields(stderr.String())
	if len(sessions) != 2 || sessions[0] == sessions[1] {
		t.Errorf("browser session and pdauth's session = %v, want two different ones", sessions)
	}
}
