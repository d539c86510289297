package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadMissingFileIsEmpty(t *testing.T) {
	f, err := Load(t.TempDir())
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if len(f.Profiles) != 0 || f.Profile("default").ClientID != "" {
		t.Errorf("Load() = %+v, want no profiles", f)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pdauth")
	want := &File{Profiles: map[string]*Profile{
		"default": {ClientID: "c1", RedirectURI: "http://localhost:5000/callback", Scope: "read", Storage: StorageKeychain},
		"eu":      {ClientID: "c2", OAuthURL: "https://identity.pagerduty.com", Storage: StorageFile},
	}}
	if err := want.Save(dir); err != nil {
		t.Fatalf("Save() error = %v", err)
	}

	got, err := Load(dir)
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load() = %+v, want %+v", got, want)
	}
	if names := got.Names(); !reflect.DeepEqual(names, []string{"default", "eu"}) {
		t.Errorf("Names() = %v", names)
	}

	for path, mode := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "config.json"): 0o600} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != mode {
			t.Errorf("%s mode = %o, want %o", path, info.Mode().Perm(), mode)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".config.json.tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestLoadDropsUnusableEntries(t *testing.T) {
	dir := t.TempDir()
	content := `{"profiles": {"default": null, "../../outside": {"storage": "file"}, "ok": {"client_id": "c"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	f, err := Load(dir)
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if names := f.Names(); !reflect.DeepEqual(names, []string{"ok"}) {
		t.Errorf("Names() = %v, want only the valid, non-null profile", names)
	}
	if f.Profile("default") == nil {
		t.Error("Profile() returned nil for a dropped profile")
	}
	if f.Profile("../../outside").Storage != "" {
		t.Error("Profile() returned the settings of an invalid name")
	}

	// A save keeps the entry with the invalid name for the user to fix.
	if err := f.Save(dir); err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	if !strings.Contains(string(saved), "../../outside") {
		t.Errorf("the save dropped the entry with the invalid name:\n%s", saved)
	}
}

func TestLoadCorruptFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"profiles": {`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "Fix or delete that file") {
		t.Fatalf("Load() error = %v, want one that says how to recover", err)
	}
}

func TestValidateProfile(t *testing.T) {
	for _, name := range []string{"default", "eu", "Prod_2", "a", strings.Repeat("x", 32)} {
		if err := ValidateProfile(name); err != nil {
			t.Errorf("ValidateProfile(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{"", "-x", "_x", ".settings", "a/b", "a b", "../x", strings.Repeat("x", 33), "é"} {
		if err := ValidateProfile(name); err == nil {
			t.Errorf("ValidateProfile(%q) = nil, want an error", name)
		}
	}
}
