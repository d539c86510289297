// Package cmd holds pdauth's cobra commands, one file per command.
package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
)

const rootLong = `pdauth logs you in to PagerDuty from the terminal with OAuth 2.0 and PKCE,
keeps the token in the operating system's keychain, and hands it to scripts:

  pdauth login
  pdauth whoami
  curl -H "Authorization: Bearer $(pdauth token)" https://api.pagerduty.com/users/me

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
		Use:           "pdauth",
		Short:         "Log in to PagerDuty from the terminal and hand the token to scripts",
		Long:          rootLong,
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
	root.SetVersionTemplate("pdauth {{.Version}}\n")

	root.AddCommand(
		NewCmdLogin(f, nil),
		NewCmdWhoami(f, nil),
		NewCmdToken(f, nil),
		NewCmdVersion(f, version),
	)
	return root
}

// Execute runs the root command with args and returns the process exit
// code. It prints the error, if any, once on stderr.
func Execute(ctx context.Context, f *cmdutil.Factory, version string, args []string) int {
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

	fmt.Fprintf(f.IOStreams.ErrOut, "pdauth: %v\n", err)
	if strings.HasPrefix(err.Error(), "unknown command") {
		return cmdutil.ExitUsage
	}
	return cmdutil.ExitCode(err)
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cmdutil.UsageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
