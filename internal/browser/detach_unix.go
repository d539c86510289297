//go:build unix

package browser

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a session of its own, so that Ctrl-C in the
// terminal, which signals pdauth's process group, does not also end the
// browser that pdauth started.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}
