// Package browser opens a URL in the user's web browser without waiting for
// the browser to exit and without letting it write to pdauth's stdout.
package browser

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	pkgbrowser "github.com/pkg/browser"
)

// launchWait is how long Open waits for the default opener (xdg-open, open,
// rundll32) to fail before it assumes the browser started.
const launchWait = 3 * time.Second

// Launcher opens URLs. Its zero value is not usable: set Stderr.
type Launcher struct {
	// Command is the value of the BROWSER variable: a command, with
	// arguments separated by spaces, run with the URL appended, or with the
	// URL in place of a "%s" argument. Empty means the platform's default
	// opener through github.com/pkg/browser.
	Command string

	// Stderr receives the browser's stdout and stderr, so that nothing it
	// prints mixes with the data pdauth writes to stdout.
	Stderr io.Writer
}

// Open starts the browser on url and returns without waiting for it to
// exit. An error means the browser could not be started.
func (l *Launcher) Open(url string) error {
	if strings.TrimSpace(l.Command) != "" {
		return l.startCommand(url)
	}
	return l.openDefault(url)
}

func (l *Launcher) startCommand(url string) error {
	args := strings.Fields(l.Command)
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
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start the browser command %q from BROWSER: %w", args[0], err)
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
