// Package cmd holds pdauth's cobra commands, one file per command.
package cmd

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/debuglog"
	"github.com/pdauth/pdauth/internal/termtext"
	"github.com/pdauth/pdauth/internal/waitui"
)

const rootLong = `pdauth logs you in to PagerDuty from the terminal with OAuth 2.0 and PKCE,
keeps the token in the operating system's keychain, and hands it to scripts:

  pdauth login
  pdauth whoami
  curl -H "Authorization: Bearer $(pdauth token)" https://api.pagerduty.com/users/me

Profiles keep several logins side by side (for example a US and an EU
account): select one with --profile NAME or PDAUTH_PROFILE (default "default").
In CI, PDAUTH_TOKEN replaces the stored login for token and whoami.

Exit codes:
  0    success
  1    error
  2    usage error (invalid flag, argument or setting)
  4    not logged in, or the login is no longer valid (run: pdauth login)
  130  interrupted (Ctrl-C)`

// NewCmdRoot returns the pdauth command with all its subcommands. version
// is shown by --version and the version command.
func NewCmdRoot(f *cmdutil.Factory, version string) *cobra.Command {
	root := &cobra.Command{
		Use:   "pdauth",
		Short: "Log in to PagerDuty from the terminal and hand the token to scripts",
		Long:  rootLong,
		// cobra prints --version as "pdauth version VERSION". A custom
		// version template would link text/template's executor, which makes
		// the binary 2 MB larger and every pdauth token slower to start.
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetIn(f.IOStreams.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
	})

	root.PersistentFlags().StringVar(&f.Profile, "profile", config.DefaultProfile, "profile to use, for several PagerDuty accounts (or $PDAUTH_PROFILE)")
	_ = root.RegisterFlagCompletionFunc("profile", completeProfiles(f))
	root.PersistentFlags().BoolVar(&f.Debug, "debug", false, "trace HTTP requests on stderr, with secrets replaced (or PDAUTH_DEBUG=1)")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		startDebug(f)
		return resolveProfile(cmd, f)
	}

	root.AddCommand(
		NewCmdLogin(f, nil),
		NewCmdWhoami(f, nil),
		NewCmdToken(f, nil),
		NewCmdStatus(f, nil),
		NewCmdLogout(f, nil),
		NewCmdVersion(f, version),
	)
	return root
}

// Execute runs the root command with args and returns the process exit
// code. It prints the error, if any, once on stderr.
func Execute(ctx context.Context, f *cmdutil.Factory, version string, args []string) int {
	// Several goroutines print to stderr: the --debug trace of HTTP
	// requests, the callback server's log, the spinner and the paste prompt.
	f.IOStreams.ErrOut = waitui.Sync(f.IOStreams.ErrOut)
	f.Done = ctx.Done()

	root := NewCmdRoot(f, version)
	root.SetArgs(args)

	err := root.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}

	if ctx.Err() != nil {
		fmt.Fprintln(f.IOStreams.ErrOut, "pdauth: interrupted")
		return cmdutil.ExitInterrupted
	}

	fmt.Fprintf(f.IOStreams.ErrOut, "pdauth: %s\n", termtext.PrintableLines(err.Error()))
	if strings.HasPrefix(err.Error(), "unknown command") {
		return cmdutil.ExitUsage
	}
	return cmdutil.ExitCode(err)
}

// startDebug turns on the --debug trace when the flag or PDAUTH_DEBUG
// requests it. The trace is a warning line first, then every HTTP request and
// response of the shared HTTP client, on stderr.
func startDebug(f *cmdutil.Factory) {
	switch strings.ToLower(f.Getenv("PDAUTH_DEBUG")) {
	case "1", "true", "yes", "on":
		f.Debug = true
	}
	if !f.Debug {
		return
	}

	fmt.Fprintln(f.IOStreams.ErrOut, debuglog.Header)
	next := f.HTTPClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	f.HTTPClient.Transport = &debuglog.Transport{Next: next, Out: f.IOStreams.ErrOut}
}

// resolveProfile sets f.Profile from --profile, then PDAUTH_PROFILE, then
// the default, and validates it.
func resolveProfile(cmd *cobra.Command, f *cmdutil.Factory) error {
	if !cmd.Flags().Changed("profile") {
		if env := f.Getenv("PDAUTH_PROFILE"); env != "" {
			f.Profile = env
		}
	}
	if err := config.ValidateProfile(f.Profile); err != nil {
		return cmdutil.UsageErrorf("%w", err)
	}
	return nil
}

// profileSelected reports whether the user chose a profile explicitly, with
// --profile or PDAUTH_PROFILE.
func profileSelected(cmd *cobra.Command, f *cmdutil.Factory) bool {
	return cmd.Flags().Changed("profile") || f.Getenv("PDAUTH_PROFILE") != ""
}

// completeProfiles completes --profile with the profiles in the settings
// file.
func completeProfiles(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cfg, err := f.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return cfg.Names(), cobra.ShellCompDirectiveNoFileComp
	}
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cmdutil.UsageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
