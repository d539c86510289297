// Package launch is the start of the pdauth program. It handles the call
// that scripts make most often, `pdauth token` with a token that needs no
// refresh, with one settings file read and one keychain read. Every other
// call goes to pdauth-core, the program with the full command line.
//
// pdauth stays small because it links no HTTP client, command-line library
// or OAuth library. Each of them costs start-up time and memory on every
// call, used or not. On the machine in BENCHMARKS.md, linking net/http alone
// into a program that never calls it added about 0.4 ms to its start and
// 2.5 MiB to its peak resident memory.
package launch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pdauth/pdauth/internal/config"
	"github.com/pdauth/pdauth/internal/credstore"
)

// CoreName is the file name of pdauth-core, without the ".exe" that it has
// on Windows. pdauth looks for it in its own directory.
const CoreName = "pdauth-core"

// Env contains the process state that QuickToken reads.
type Env struct {
	Args      []string // the command-line arguments, without the program name
	Getenv    func(key string) string
	ConfigDir func() (string, error) // pdauth's configuration directory
	Keyring   credstore.Keyring      // the keychain, for profiles not stored in a file
	Now       func() time.Time

	// KeychainTimeout bounds the keychain read. Zero means
	// credstore.DefaultTimeout, the bound that pdauth-core uses.
	KeychainTimeout time.Duration
}

// System returns the Env of the running process.
func System() Env {
	return Env{
		Args:      os.Args[1:],
		Getenv:    os.Getenv,
		ConfigDir: config.UserDir,
		Keyring:   credstore.SystemKeyring{},
		Now:       time.Now,
	}
}

// QuickToken returns the access token that `pdauth token` would print, and
// true, when the arguments are a plain token call and the token can be
// printed as stored. That is the case when PDAUTH_TOKEN is set, or when the
// profile's record needs neither a refresh nor a new login.
//
// In every other case it returns false, and pdauth-core then runs the call
// and reports any error. The exception is a failed keychain call:
// QuickToken returns that error, which pdauth-core would report in the same
// words, so that the caller neither waits for a keychain timeout twice nor
// makes a locked keychain ask for its password twice.
func QuickToken(e Env) (string, bool, error) {
	if e.Getenv("PDAUTH_DEBUG") != "" {
		return "", false, nil
	}
	profile, ok := tokenProfile(e.Args, e.Getenv)
	if !ok {
		return "", false, nil
	}
	if token := e.Getenv("PDAUTH_TOKEN"); token != "" {
		return token, true, nil
	}

	dir, err := e.ConfigDir()
	if err != nil {
		return "", false, nil
	}
	settings, err := config.Load(dir)
	if err != nil {
		return "", false, nil
	}
	keyring := e.Keyring
	if settings.Profile(profile).StorageKind() == config.StorageFile {
		keyring = credstore.FileKeyringIn(dir)
	}
	record, err := (&credstore.Store{Keyring: keyring, Timeout: e.KeychainTimeout}).Load(profile)
	var keychainErr *credstore.KeychainError
	if errors.As(err, &keychainErr) {
		return "", false, err
	}
	if err != nil {
		return "", false, nil
	}

	now := e.Now()
	if record.NeedsLogin(now) || record.NeedsRefresh(now) {
		return "", false, nil
	}
	return record.AccessToken, true, nil
}

// tokenProfile returns the profile that args select when they are the token
// command with at most one --profile flag, before or after it, and the
// profile name is valid. It returns false for anything else, such as
// --debug, --help or a misspelled flag, which pdauth-core handles.
func tokenProfile(args []string, getenv func(string) string) (string, bool) {
	var profile string
	profileSet, tokenSeen := false, false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "token" && !tokenSeen:
			tokenSeen = true
		case arg == "--profile" && !profileSet && i+1 < len(args):
			profile, profileSet = args[i+1], true
			i++
		case strings.HasPrefix(arg, "--profile=") && !profileSet:
			profile, profileSet = strings.TrimPrefix(arg, "--profile="), true
		default:
			return "", false
		}
	}
	if !tokenSeen {
		return "", false
	}

	if !profileSet {
		profile = getenv("PDAUTH_PROFILE")
		if profile == "" {
			profile = config.DefaultProfile
		}
	}
	if config.ValidateProfile(profile) != nil {
		return "", false
	}
	return profile, true
}

// CorePath returns the path of pdauth-core: the file CoreName in the
// directory of the running program, after resolving symbolic links, so that
// a pdauth linked into another directory (as Homebrew does) still finds it.
func CorePath() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("could not find the pdauth program's own path: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	name := CoreName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(filepath.Dir(self), name), nil
}

// RunCore runs pdauth-core with args, the command-line arguments without the
// program name, and returns the exit code for pdauth, or an error when
// pdauth-core could not run. On Unix pdauth-core replaces the pdauth
// process, so RunCore returns only when that fails.
func RunCore(args []string) (int, error) {
	path, err := CorePath()
	if err != nil {
		return 1, err
	}
	code, err := runCore(path, args)
	if errors.Is(err, os.ErrNotExist) {
		return 1, fmt.Errorf("%s is missing. pdauth runs every command except a plain `pdauth token` through it: install pdauth and %s from the same release into the same directory", path, CoreName)
	}
	if err != nil {
		return 1, fmt.Errorf("could not run %s: %w", path, err)
	}
	return code, nil
}
