// Package browser opens a URL in the user's web browser without waiting for
// the browser to exit and without letting it write to pdauth's stdout.
package browser

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	pkgbrowser "github.com/pkg/browser"
)

// launchWait is how long Open waits for the default opener (xdg-open, open,
// rundll32) to fail. After that, Open assumes the browser started and
// returns while the opener goes on running.
const launchWait = time.Second

// Launcher opens URLs. Its zero value is not usable: set Stderr.
type Launcher struct {
	// Command is the value of the BROWSER variable: a list of commands
	// separated by the path list separator (":" on Unix, ";" on Windows),
	// tried in order until one starts. Each is a program with arguments
	// separated by spaces, run with the URL appended, or with the URL in
	// place of a "%s" argument. Empty means the platform's default opener.
	Command string

	// Stderr receives the browser's stdout and stderr, so that nothing it
	// prints mixes with the data pdauth writes to stdout.
	Stderr io.Writer

	// IsWSL reports whether pdauth runs in the Windows Subsystem for Linux,
	// where the Windows browser is opened instead. Nil means detectWSL.
	IsWSL func() bool
}

// wslOpeners open a URL in the Windows browser from WSL: wslview from the
// wslu package when installed, else Windows's URL handler, which WSL's
// interoperability makes callable by name.
var wslOpeners = []string{"wslview", "rundll32.exe url.dll,FileProtocolHandler"}

// Open starts the browser on url and returns without waiting for it to
// exit. An error means no browser could be started.
func (l *Launcher) Open(url string) error {
	if strings.TrimSpace(l.Command) != "" {
		return l.startFirst(filepath.SplitList(l.Command), url, "BROWSER")
	}
	isWSL := l.IsWSL
	if isWSL == nil {
		isWSL = detectWSL
	}
	if isWSL() {
		return l.startFirst(wslOpeners, url, "WSL")
	}
	return l.openDefault(url)
}

// startFirst starts the first of commands that can be started.
func (l *Launcher) startFirst(commands []string, url, source string) error {
	var errs []error
	for _, command := range commands {
		if strings.TrimSpace(command) == "" {
			continue
		}
		err := l.startCommand(command, url)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return fmt.Errorf("no browser command in %s", source)
	}
	return fmt.Errorf("could not start a browser from %s: %w", source, errors.Join(errs...))
}

// detectWSL reports whether the Linux kernel is WSL's, which names
// Microsoft in its release string.
func detectWSL() bool {
	if runtime.GOOS != "linux" {
		return false
	}
	if os.Getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	release, err := os.ReadFile("/proc/sys/kernel/osrelease")
	return err == nil && strings.Contains(strings.ToLower(string(release)), "microsoft")
}

func (l *Launcher) startCommand(command, url string) error {
	args := strings.Fields(command)
	substituted := false
	for i, arg := range args {
		if arg == "%s" {
			args[i] = url
			substituted = true
		}
	}
	if !substituted {
		args = append(args, url)
	}

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout = l.Stderr
	cmd.Stderr = l.Stderr
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start %q: %w", args[0], err)
	}
	go func() { _ = cmd.Wait() }() // reap the process whenever it exits
	return nil
}

// openDefault runs github.com/pkg/browser, which waits for the opener to
// exit. Most openers hand the URL to a running browser and exit at once; one
// that stays (a text-mode browser) is left running after launchWait.
func (l *Launcher) openDefault(url string) error {
	pkgbrowser.Stdout = l.Stderr
	pkgbrowser.Stderr = l.Stderr

	done := make(chan error, 1)
	go func() { done <- pkgbrowser.OpenURL(url) }()

	select {
	case err := <-done:
		if err != nil {
			var execErr *exec.Error
			if errors.As(err, &execErr) {
				return fmt.Errorf("could not find a program to open the browser: %w", err)
			}
			return fmt.Errorf("could not open the browser: %w", err)
		}
		return nil
	case <-time.After(launchWait):
		return nil
	}
}
