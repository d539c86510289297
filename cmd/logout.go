package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/session"
	"github.com/pdauth/pdauth/internal/termtext"
)

// LogoutOptions holds the logout command's dependencies.
type LogoutOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Profile string
}

// NewCmdLogout returns the logout command. runF replaces logoutRun in tests.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{IO: f.IOStreams, Factory: f}

	return &cobra.Command{
		Use:   "logout",
		Short: "Delete the profile's token and settings from this machine",
		Long: `Delete the profile's token from the keychain (or the --insecure-storage file)
and its saved settings.

This is local: PagerDuty keeps accepting the token until it expires. To revoke
it at once, remove the app's access to your account in PagerDuty's web UI.
Logging out of a profile that is not logged in is not an error.`,
		Example: `  pdauth logout
  pdauth logout --profile eu`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Profile = f.Profile
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
}

func logoutRun(ctx context.Context, o *LogoutOptions) error {
	settings, err := o.Factory.Config()
	if err != nil {
		return err
	}
	_, hasSettings := settings.Profiles[o.Profile]
	storage := settings.Profile(o.Profile).StorageKind()
	store, err := o.Factory.Store(storage)
	if err != nil {
		return err
	}

	record, err := deleteRecord(ctx, o.Factory, store, o.Profile)
	if err != nil {
		return err
	}
	if hasSettings {
		err := o.Factory.UpdateConfig(ctx, func(f *config.File) { delete(f.Profiles, o.Profile) })
		if err != nil {
			return fmt.Errorf("the token is deleted, but the profile's settings are not: %w", err)
		}
	}

	o.report(record, storage, hasSettings)
	return nil
}

// deleteRecord deletes the profile's record under the profile's lock, so
// that a concurrent refresh cannot save it again afterwards. It returns the
// deleted record, or nil when there was none.
func deleteRecord(ctx context.Context, f *cmdutil.Factory, store *credstore.Store, profile string) (*credstore.Record, error) {
	lockDir, err := f.LockDir()
	if err != nil {
		return nil, err
	}
	unlock, err := session.LockProfile(ctx, lockDir, profile, 0)
	if err != nil {
		return nil, err
	}
	defer unlock()
	defer session.ClearRefreshRejected(lockDir, profile)

	record, loadErr := store.Load(profile)
	err = store.Delete(profile)
	if errors.Is(err, credstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not delete the token: %w", err)
	}
	if loadErr != nil {
		return &credstore.Record{}, nil // deleted a record that could not be read
	}
	return record, nil
}

func (o *LogoutOptions) report(record *credstore.Record, storage string, hadSettings bool) {
	errOut := o.IO.ErrOut
	if record == nil {
		if hadSettings {
			fmt.Fprintf(errOut, "Profile %q was not logged in; its saved settings are deleted.\n", o.Profile)
		} else {
			fmt.Fprintf(errOut, "Profile %q is not logged in; nothing to do.\n", o.Profile)
		}
		return
	}

	where := "the keychain"
	if storage == config.StorageFile {
		where = "the credentials file"
	}
	fmt.Fprintf(errOut, "✓ Logged out of profile %q", o.Profile)
	if record.Subdomain != "" {
		fmt.Fprintf(errOut, " (%s)", termtext.Printable(record.Subdomain))
	}
	if hadSettings {
		fmt.Fprintf(errOut, ": deleted the token from %s and the profile's settings.\n", where)
	} else {
		fmt.Fprintf(errOut, ": deleted the token from %s.\n", where)
	}

	fmt.Fprint(errOut, "This is local only. PagerDuty keeps accepting the access token until it expires")
	if !record.Expiry.IsZero() {
		fmt.Fprintf(errOut, " (%s)", record.Expiry.UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprint(errOut, ".\nTo revoke it now, remove the app's access to your account in PagerDuty's web UI.\n")
}
