package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/session"
)

// TokenOptions holds the token command's dependencies.
type TokenOptions struct {
	IO      *iostreams.IOStreams
	Source  *session.Source
	Profile string
}

// NewCmdToken returns the token command. runF replaces tokenRun in tests.
func NewCmdToken(f *cmdutil.Factory, runF func(*TokenOptions) error) *cobra.Command {
	opts := &TokenOptions{
		IO:      f.IOStreams,
		Source:  newSessionSource(f),
		Profile: cmdutil.DefaultProfile,
	}

	return &cobra.Command{
		Use:   "token",
		Short: "Print the access token for scripts",
		Long: `Print the access token and a newline on stdout, and nothing else.

A token that expires within 5 minutes is first refreshed with the refresh
token, and the new pair is saved in the keychain before it is printed.`,
		Example: `  curl -H "Authorization: Bearer $(pdauth token)" \
    -H "Accept: application/vnd.pagerduty+json;version=2" \
    https://api.pagerduty.com/users/me`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return tokenRun(cmd.Context(), opts)
		},
	}
}

func tokenRun(ctx context.Context, o *TokenOptions) error {
	record, err := o.Source.Token(ctx, o.Profile)
	if err != nil {
		return sessionError(err)
	}
	_, err = fmt.Fprintln(o.IO.Out, record.AccessToken)
	return err
}

func newSessionSource(f *cmdutil.Factory) *session.Source {
	return &session.Source{
		Store:        f.Store(),
		HTTPClient:   f.HTTPClient,
		Now:          f.Now,
		ClientSecret: f.Getenv("PDAUTH_CLIENT_SECRET"),
	}
}

// sessionError gives errors that a new login fixes the ExitAuth code and
// the hint to run pdauth login.
func sessionError(err error) error {
	var loginErr *session.LoginError
	if errors.As(err, &loginErr) {
		return cmdutil.AuthError(err)
	}
	return err
}
