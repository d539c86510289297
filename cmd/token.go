package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/iostreams"
)

// TokenOptions holds the token command's dependencies.
type TokenOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Profile string
}

// NewCmdToken returns the token command. runF replaces tokenRun in tests.
func NewCmdToken(f *cmdutil.Factory, runF func(*TokenOptions) error) *cobra.Command {
	opts := &TokenOptions{IO: f.IOStreams, Factory: f}

	return &cobra.Command{
		Use:   "token",
		Short: "Print the access token for scripts",
		Long: `Print the access token and a newline on stdout, and nothing else.

A token that expires within 5 minutes is first refreshed with the refresh
token, under a lock that concurrent pdauth processes share, and the new pair
is saved before it is printed. When PDAUTH_TOKEN is set, its value is printed
instead and nothing is read or written.`,
		Example: `  curl -H "Authorization: Bearer $(pdauth token)" \
    -H "Accept: application/vnd.pagerduty+json;version=2" \
    https://api.pagerduty.com/users/me`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Profile = f.Profile
			if runF != nil {
				return runF(opts)
			}
			return tokenRun(cmd.Context(), opts)
		},
	}
}

func tokenRun(ctx context.Context, o *TokenOptions) error {
	if token := o.Factory.Getenv("PDAUTH_TOKEN"); token != "" {
		_, err := fmt.Fprintln(o.IO.Out, token)
		return err
	}

	record, err := o.Factory.CurrentRecord(ctx, o.Profile)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(o.IO.Out, record.AccessToken)
	return err
}
