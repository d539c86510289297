//go:build windows

package launch

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// runCore runs pdauth-core as a child process with pdauth's standard streams
// and environment, waits for it and returns its exit code. Windows has no
// exec that replaces a process. Ctrl-C reaches every process on the
// console, so pdauth ignores it here and lets pdauth-core handle it.
// NOTE: this path is cross-compiled in CI but has not been run on Windows.
func runCore(path string, args []string) (int, error) {
	signal.Ignore(os.Interrupt)

	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), nil
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}
