//go:build !linux

// Command measure runs on Linux only, where pdauthbench uses it.
package main

import "os"

func main() {
	os.Stderr.WriteString("measure: runs on Linux only\n")
	os.Exit(2)
}
