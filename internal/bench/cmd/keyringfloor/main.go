// Command keyringfloor is the floor that pdauthbench compares `pdauth token`
// with: one process start and one keychain read. It reads pdauth's keychain
// entry (service "pdauth", account PROFILE, default "default") through
// go-keyring, as pdauth does, and prints the stored value and a newline.
//
// Usage:
//
//	keyringfloor [PROFILE]
//
// It exits with 1 when the read fails, for example when the entry is
// missing.
package main

import (
	"fmt"
	"os"

	"github.com/zalando/go-keyring"
)

func main() {
	profile := "default"
	if len(os.Args) > 1 {
		profile = os.Args[1]
	}

	secret, err := keyring.Get("pdauth", profile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "keyringfloor: could not read service pdauth, account %s: %v\n", profile, err)
		os.Exit(1)
	}
	os.Stdout.WriteString(secret + "\n")
}
