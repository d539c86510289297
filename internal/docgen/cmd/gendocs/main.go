// Command gendocs writes pdauth's shell completion scripts and man pages for
// the release archives and Linux packages, so the pdauth binary does not
// have to link cobra's documentation generators.
//
// Usage:
//
//	go run ./internal/docgen/cmd/gendocs [-out DIR] [-version VERSION] [-date RFC3339]
//
// It writes these files under DIR (default build/docs):
//
//	completions/pdauth.bash   bash (bash-completion 2)
//	completions/_pdauth       zsh
//	completions/pdauth.fish   fish
//	completions/pdauth.ps1    PowerShell
//	man/pdauth.1.gz, man/pdauth-SUBCOMMAND.1.gz, ...   one gzip-compressed man page per command
//
// Before it writes, it deletes the pdauth*.1.gz files in DIR/man, so a page
// of a removed command does not stay behind. The man pages show the month
// of -date; without it, cobra takes SOURCE_DATE_EPOCH or the current time.
// The output is the same for the same source, version and date.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pdauth/pdauth/internal/docgen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("gendocs", flag.ContinueOnError)
	flags.SetOutput(stderr)
	outDir := flags.String("out", "build/docs", "output `directory`; completions/ and man/ are created in it")
	version := flags.String("version", "dev", "pdauth `version` shown in the man pages and by --version")
	date := flags.String("date", "", "man page date in RFC 3339 `format`, such as 2026-01-02T03:04:05Z (default: $SOURCE_DATE_EPOCH, then the current time)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "gendocs: unexpected argument %q\n", flags.Arg(0))
		return 2
	}

	opts := docgen.Options{OutDir: *outDir, Version: *version}
	if *date != "" {
		parsed, err := time.Parse(time.RFC3339, *date)
		if err != nil {
			fmt.Fprintf(stderr, "gendocs: invalid -date %q: use RFC 3339, such as 2026-01-02T03:04:05Z\n", *date)
			return 2
		}
		opts.Date = &parsed
	}

	files, err := docgen.Generate(opts)
	if err != nil {
		fmt.Fprintf(stderr, "gendocs: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "gendocs: wrote %d files under %s\n", len(files), *outDir)
	return 0
}
