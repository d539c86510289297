// Package config reads and writes pdauth's per-profile settings file. The
// file holds no secret: tokens live in the keychain, or in the credentials
// file that `pdauth login --insecure-storage` writes.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// DefaultProfile is the profile used when none is selected.
const DefaultProfile = "default"

// Storage backends of a profile's record.
const (
	StorageKeychain = "keychain" // the operating system's keychain (the default)
	StorageFile     = "file"     // a 0600 file, chosen with --insecure-storage
)

// UserDir returns pdauth's configuration directory: pdauth in the user's
// configuration directory, for example ~/.config/pdauth on Linux.
func UserDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "pdauth"), nil
}

// fileName is the settings file inside the pdauth configuration directory.
const fileName = "config.json"

// ValidateProfile checks that name is a usable profile name: 1 to 32
// letters, digits, '-' or '_', starting with a letter or digit. The name
// becomes a keychain account and part of file names, so nothing else is
// allowed.
func ValidateProfile(name string) error {
	valid := len(name) >= 1 && len(name) <= 32 && name[0] != '-' && name[0] != '_'
	for i := 0; valid && i < len(name); i++ {
		c := name[i]
		valid = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	if !valid {
		return fmt.Errorf("invalid profile name %q: use 1 to 32 letters, digits, '-' or '_', starting with a letter or digit", name)
	}
	return nil
}

// Profile is the non-secret state pdauth keeps for one profile: the
// settings used at login, so that later logins and refreshes need no flags,
// and the storage of its record.
type Profile struct {
	ClientID    string `json:"client_id,omitempty"`
	RedirectURI string `json:"redirect_uri,omitempty"`
	Scope       string `json:"scope,omitempty"`
	OAuthURL    string `json:"oauth_url,omitempty"`
	APIURL      string `json:"api_url,omitempty"` // set only when PDAUTH_API_URL overrode the token's API URL
	Storage     string `json:"storage,omitempty"` // StorageKeychain or StorageFile; empty means StorageKeychain
}

// StorageKind returns where the profile's record is stored: StorageFile, or
// StorageKeychain for anything else, including an empty Storage.
func (p *Profile) StorageKind() string {
	if p.Storage == StorageFile {
		return StorageFile
	}
	return StorageKeychain
}

// File is the content of the settings file.
type File struct {
	Profiles map[string]*Profile `json:"profiles"`
}

// Load reads the settings file in dir. A missing file is an empty File.
func Load(dir string) (*File, error) {
	data, err := os.ReadFile(filepath.Join(dir, fileName))
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Profiles: map[string]*Profile{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the settings file: %w", err)
	}

	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("could not parse the settings file %s: %w\nFix or delete that file; deleting it keeps the logins in the keychain, and the next login saves the settings again", filepath.Join(dir, fileName), err)
	}
	f.clean()
	return &f, nil
}

// clean drops null profiles, which a hand edit may leave behind. Entries
// whose names ValidateProfile rejects stay in the file, so that a save does
// not lose them, but Names and Profile never return them: names become
// keychain accounts and file names.
func (f *File) clean() {
	if f.Profiles == nil {
		f.Profiles = map[string]*Profile{}
	}
	for name, p := range f.Profiles {
		if p == nil {
			delete(f.Profiles, name)
		}
	}
}

// Save writes the settings file in dir atomically with mode 0600, creating
// dir with mode 0700 when it is missing.
func (f *File) Save(dir string) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("could not encode the settings: %w", err)
	}
	return WriteFileAtomic(filepath.Join(dir, fileName), append(data, '\n'))
}

// Profile returns the named profile's settings, or empty settings when the
// file has none.
func (f *File) Profile(name string) *Profile {
	if p, ok := f.Profiles[name]; ok && ValidateProfile(name) == nil {
		return p
	}
	return &Profile{}
}

// Names returns the valid profile names in the file, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for name := range f.Profiles {
		if ValidateProfile(name) == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
