//go:build unix

package launch

import (
	"os"
	"syscall"
)

// runCore replaces the pdauth process with pdauth-core, keeping its process
// ID, standard streams and environment, so signals and the exit code reach
// the caller as if pdauth-core had been started directly. It returns only
// when the exec fails.
func runCore(path string, args []string) (int, error) {
	argv := append([]string{os.Args[0]}, args...)
	if err := syscall.Exec(path, argv, os.Environ()); err != nil {
		return 1, &os.PathError{Op: "exec", Path: path, Err: err}
	}
	return 0, nil
}
