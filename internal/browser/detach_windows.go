package browser

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a process group of its own, so that Ctrl-C in the
// console, which pdauth's group receives, does not also end the browser.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}
