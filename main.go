// Command pdauth logs in to PagerDuty from the terminal with OAuth 2.0 and
// PKCE, keeps the token in the operating system's keychain, and prints it
// for scripts.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/pdauth/pdauth/cmd"
	"github.com/pdauth/pdauth/internal/cmdutil"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Execute(ctx, cmdutil.New(), buildVersion(), os.Args[1:])
	stop()
	os.Exit(code)
}

// buildVersion returns the version set by ldflags, or the module version
// that `go install module@version` records, or "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
