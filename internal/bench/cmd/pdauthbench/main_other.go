//go:build !linux

// Command pdauthbench measures pdauth on Linux only, where it reads
// rusage from wait4 and talks to the Secret Service.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "pdauthbench: runs on Linux only")
	os.Exit(1)
}
