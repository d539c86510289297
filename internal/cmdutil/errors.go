// Package cmdutil holds what every pdauth command shares: exit codes, the
// errors that carry them, and the factory of outside-world dependencies.
package cmdutil

import (
	"errors"
	"fmt"

	"github.com/pdauth/pdauth/internal/config"
)

// Exit codes of the pdauth process. Scripts rely on them, so they are part of
// the command-line interface and documented in `pdauth --help`.
const (
	ExitOK          = 0   // success
	ExitFailure     = 1   // any failure not listed below
	ExitUsage       = 2   // invalid flag, argument or setting
	ExitAuth        = 4   // not logged in, or the login is no longer valid
	ExitInterrupted = 130 // interrupted by Ctrl-C (SIGINT) or SIGTERM
)

// ExitError is an error that ends the process with a specific exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }

func (e *ExitError) Unwrap() error { return e.Err }

// UsageErrorf returns an error that exits with ExitUsage.
func UsageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// AuthError wraps err so that the process exits with ExitAuth, and appends
// the login command for profile, which fixes it.
func AuthError(err error, profile string) error {
	return &ExitError{Code: ExitAuth, Err: fmt.Errorf("%w\nrun: %s", err, LoginCommand(profile))}
}

// LoginCommand returns the command that logs in to profile.
func LoginCommand(profile string) string {
	if profile == "" || profile == config.DefaultProfile {
		return "pdauth login"
	}
	return "pdauth login --profile " + profile
}

// ExitCode returns the exit code for err: ExitOK for nil, the code of the
// outermost ExitError in its chain, and ExitFailure otherwise.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var exitErr *ExitError
	if errors.As(err, &exitErr) {
		return exitErr.Code
	}
	return ExitFailure
}
