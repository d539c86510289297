// Command pdauth-core is pdauth's full command line: login, whoami, token,
// status, logout, version, help and completion. The pdauth program runs it
// for every call that it does not handle itself, with the same arguments,
// and it works the same when started directly.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/pdauth/pdauth/cmd"
	"github.com/pdauth/pdauth/internal/cmdutil"
)

// version, commit and date are set at build time, as the release build in
// .goreleaser.yaml does:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=0123abc -X main.date=2026-01-02T03:04:05Z"
//
// formatVersion fills an empty version or commit from the build information
// that the Go toolchain embeds, where it has one.
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Execute(ctx, cmdutil.New(), buildVersion(), os.Args[1:])
	stop()
	os.Exit(code)
}

// buildVersion returns the version line that pdauth --version and pdauth
// version print after "pdauth ".
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return formatVersion(version, commit, date, info)
}

// formatVersion returns "VERSION (commit COMMIT, built DATE)" and leaves out
// the parts that are unknown. An empty version falls back to the module
// version that `go install module@version` records, then to "dev". An empty
// commit falls back to the vcs.revision that `go build` records in a Git
// checkout, marked when the checkout had uncommitted changes. The build date
// has no such fallback, because vcs.time is the commit's time and not the
// build's. info may be nil.
func formatVersion(version, commit, date string, info *debug.BuildInfo) string {
	if info != nil {
		if version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		if commit == "" {
			commit = buildSetting(info, "vcs.revision")
			if commit != "" && buildSetting(info, "vcs.modified") == "true" {
				commit += " with uncommitted changes"
			}
		}
	}
	if version == "" {
		version = "dev"
	}

	var details []string
	if commit != "" {
		details = append(details, "commit "+commit)
	}
	if date != "" {
		details = append(details, "built "+date)
	}
	if len(details) == 0 {
		return version
	}
	return version + " (" + strings.Join(details, ", ") + ")"
}

// buildSetting returns the value of the build setting key, or "".
func buildSetting(info *debug.BuildInfo, key string) string {
	for _, setting := range info.Settings {
		if setting.Key == key {
			return setting.Value
		}
	}
	return ""
}
