package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pdauth/pdauth/internal/browser"
	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/session"
	"github.com/pdauth/pdauth/internal/termtext"
)

// HTTPTimeout bounds each request to the token endpoint and the REST API,
// including reading the response.
const HTTPTimeout = 30 * time.Second

// Factory holds every outside-world dependency the commands use, so that
// tests can replace each one.
type Factory struct {
	IOStreams  *iostreams.IOStreams
	HTTPClient *http.Client
	Keyring    credstore.Keyring
	Getenv     func(key string) string
	Now        func() time.Time

	// OpenBrowser opens a URL in the user's browser without waiting for it.
	OpenBrowser func(url string) error

	// ConfigDir returns pdauth's configuration directory (settings file and
	// --insecure-storage credentials); CacheDir returns the directory of the
	// lock files.
	ConfigDir func() (string, error)
	CacheDir  func() (string, error)

	// Debug turns on the --debug trace on stderr.
	Debug bool

	// Done closes when the command is interrupted. Keychain reads of the
	// stores that Store returns stop waiting then.
	Done <-chan struct{}

	// Profile is the selected profile, set by the root command from
	// --profile, PDAUTH_PROFILE or config.DefaultProfile before any
	// subcommand runs.
	Profile string
}

// New returns the Factory of a real run: the process's streams and
// environment, the system keychain, the user's configuration and cache
// directories, and an HTTP client that keeps Go's default transport, so
// HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE apply.
func New() *Factory {
	streams := iostreams.System()
	launcher := &browser.Launcher{Command: os.Getenv("BROWSER"), Stderr: streams.ErrOut}
	return &Factory{
		IOStreams:   streams,
		HTTPClient:  &http.Client{Timeout: HTTPTimeout},
		Keyring:     credstore.SystemKeyring{},
		Getenv:      os.Getenv,
		Now:         time.Now,
		OpenBrowser: launcher.Open,
		ConfigDir:   config.UserDir,
		CacheDir:    userCacheDir,
		Profile:     config.DefaultProfile,
	}
}

// userCacheDir returns pdauth's cache directory, which holds the lock files:
// pdauth in the user's cache directory, for example ~/.cache/pdauth on Linux.
func userCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "pdauth"), nil
}

// Config loads the settings file.
func (f *Factory) Config() (*config.File, error) {
	dir, err := f.ConfigDir()
	if err != nil {
		return nil, fmt.Errorf("could not find the configuration directory: %w", err)
	}
	return config.Load(dir)
}

// Store returns the credential store that the storage kind names:
// config.StorageFile, or the keychain for anything else.
func (f *Factory) Store(storage string) (*credstore.Store, error) {
	if storage != config.StorageFile {
		return &credstore.Store{Keyring: f.Keyring, Done: f.Done}, nil
	}
	keyring, err := f.FileKeyring()
	if err != nil {
		return nil, err
	}
	return &credstore.Store{Keyring: keyring, Done: f.Done}, nil
}

// FileKeyring returns the file store of --insecure-storage, in the
// credentials folder of the configuration directory.
func (f *Factory) FileKeyring() (credstore.FileKeyring, error) {
	dir, err := f.ConfigDir()
	if err != nil {
		return credstore.FileKeyring{}, fmt.Errorf("could not find the configuration directory: %w", err)
	}
	return credstore.FileKeyringIn(dir), nil
}

// UpdateConfig applies change to the settings file under a lock, so that
// two profiles saved at the same moment do not overwrite each other. It
// loads the file again once it holds the lock.
func (f *Factory) UpdateConfig(ctx context.Context, change func(*config.File)) error {
	lockDir, err := f.LockDir()
	if err != nil {
		return err
	}
	// A profile name cannot start with ".", so this lock is no profile's.
	unlock, err := session.LockProfile(ctx, lockDir, ".settings", 0)
	if err != nil {
		return err
	}
	defer unlock()

	dir, err := f.ConfigDir()
	if err != nil {
		return fmt.Errorf("could not find the configuration directory: %w", err)
	}
	settings, err := config.Load(dir)
	if err != nil {
		return err
	}
	change(settings)
	return settings.Save(dir)
}

// CurrentRecord returns the profile's record with a usable access token,
// refreshing it when needed. Errors that a new login fixes exit with
// ExitAuth.
func (f *Factory) CurrentRecord(ctx context.Context, profile string) (*credstore.Record, error) {
	settings, err := f.Config()
	if err != nil {
		return nil, err
	}
	store, err := f.Store(settings.Profile(profile).StorageKind())
	if err != nil {
		return nil, err
	}
	source, err := f.Source(store)
	if err != nil {
		return nil, err
	}

	record, err := source.Token(ctx, profile)
	var loginErr *session.LoginError
	if errors.As(err, &loginErr) {
		return nil, AuthError(fmt.Errorf("profile %q: %w", profile, err), profile)
	}
	return record, err
}

// LockDir returns the directory of the per-profile lock files.
func (f *Factory) LockDir() (string, error) {
	dir, err := f.CacheDir()
	if err != nil {
		return "", fmt.Errorf("could not find the cache directory: %w", err)
	}
	return dir, nil
}

// Source returns the token source for a profile whose record is in store.
func (f *Factory) Source(store *credstore.Store) (*session.Source, error) {
	lockDir, err := f.LockDir()
	if err != nil {
		return nil, err
	}
	return &session.Source{
		Store:        store,
		HTTPClient:   f.HTTPClient,
		Now:          f.Now,
		ClientSecret: f.Getenv("PDAUTH_CLIENT_SECRET"),
		LockDir:      lockDir,
		Warn:         func(message string) { fmt.Fprintln(f.IOStreams.ErrOut, termtext.PrintableLines(message)) },
	}, nil
}
