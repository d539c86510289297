//go:build !unix && !windows

package browser

import "os/exec"

// detach does nothing on platforms without sessions or process groups.
func detach(*exec.Cmd) {}
