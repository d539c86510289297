// Command pdauth logs in to PagerDuty from the terminal with OAuth 2.0 and
// PKCE, keeps the token in the operating system's keychain, and prints it
// for scripts.
//
// This program prints a stored token that needs no refresh by itself and
// runs pdauth-core, installed next to it, for everything else. That keeps
// `pdauth token` close to the cost of one keychain read: see package launch.
package main

import (
	"fmt"
	"os"

	"github.com/pdauth/pdauth/internal/launch"
	"github.com/pdauth/pdauth/internal/termtext"
)

func main() {
	stopInterrupts := launch.HandleInterruptsLater(os.Stderr)

	token, ok, err := launch.QuickToken(launch.System())
	if err != nil {
		exitWithError(err)
	}
	if ok {
		if _, err := os.Stdout.WriteString(token + "\n"); err != nil {
			exitWithError(err)
		}
		return
	}

	stopInterrupts()
	code, err := launch.RunCore(os.Args[1:])
	if err != nil {
		exitWithError(err)
	}
	os.Exit(code)
}

// exitWithError prints err on stderr in the format that pdauth-core uses,
// and exits with 1.
func exitWithError(err error) {
	fmt.Fprintf(os.Stderr, "pdauth: %s\n", termtext.PrintableLines(err.Error()))
	os.Exit(1)
}
