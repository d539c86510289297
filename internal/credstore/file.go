package credstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zalando/go-keyring"

	"github.com/pdauth/pdauth/internal/config"
)

// FileKeyring stores each secret in its own file, Dir/ACCOUNT.json, written
// atomically with mode 0600 in a directory created with mode 0700. It backs
// `pdauth login --insecure-storage` for machines without a keychain. It is
// weaker than a keychain: any program running as the user can read the
// files, and they are not encrypted at rest. On Windows the modes are not
// enforced, and the files get the default permissions of the user's profile
// directory.
type FileKeyring struct {
	Dir string
}

// FileKeyringIn returns the FileKeyring of `pdauth login --insecure-storage`:
// the credentials folder of pdauth's configuration directory configDir.
func FileKeyringIn(configDir string) FileKeyring {
	return FileKeyring{Dir: filepath.Join(configDir, "credentials")}
}

// Path returns the file that holds the secret for account.
func (k FileKeyring) Path(account string) string {
	return filepath.Join(k.Dir, account+".json")
}

// Get reads the secret for user. A missing file is keyring.ErrNotFound.
func (k FileKeyring) Get(_, user string) (string, error) {
	data, err := os.ReadFile(k.Path(user))
	if errors.Is(err, fs.ErrNotExist) {
		return "", keyring.ErrNotFound
	}
	return string(data), err
}

// Set writes the secret for user, replacing the file atomically.
func (k FileKeyring) Set(_, user, password string) error {
	return config.WriteFileAtomic(k.Path(user), []byte(password))
}

// Delete removes the secret for user. A missing file is keyring.ErrNotFound.
func (k FileKeyring) Delete(_, user string) error {
	err := os.Remove(k.Path(user))
	if errors.Is(err, fs.ErrNotExist) {
		return keyring.ErrNotFound
	}
	return err
}
