package docgen

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// releaseConfig is the part of .goreleaser.yaml that these tests check.
// The field names are goreleaser v2's.
type releaseConfig struct {
	Before struct {
		Hooks []string `yaml:"hooks"`
	} `yaml:"before"`
	Builds []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		IDs   []string      `yaml:"ids"`
		Files []releaseFile `yaml:"files"`
	} `yaml:"archives"`
	Nfpms []struct {
		IDs      []string `yaml:"ids"`
		Formats  []string `yaml:"formats"`
		Contents []struct {
			Src      string `yaml:"src"`
			Dst      string `yaml:"dst"`
			Packager string `yaml:"packager"`
		} `yaml:"contents"`
	} `yaml:"nfpms"`
	Brews []struct {
		SkipUpload string `yaml:"skip_upload"`
		Repository struct {
			Owner string `yaml:"owner"`
		} `yaml:"repository"`
		Install string `yaml:"install"`
	} `yaml:"brews"`
}

// releaseFile is an archive file entry, which goreleaser accepts as a
// plain glob or as a mapping with src and dst.
type releaseFile struct {
	Src string `yaml:"src"`
	Dst string `yaml:"dst"`
}

func (f *releaseFile) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		f.Src = node.Value
		return nil
	}
	type plain releaseFile
	return node.Decode((*plain)(f))
}

func loadReleaseConfig(t *testing.T) *releaseConfig {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var config releaseConfig
	if err := yaml.Unmarshal(data, &config); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return &config
}

// generateInRepoLayout runs Generate into ROOT/build/docs, where the hook
// writes, and returns ROOT and the generated paths relative to it.
func generateInRepoLayout(t *testing.T) (string, []string) {
	t.Helper()
	root := t.TempDir()
	date := time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC)
	files, err := Generate(Options{OutDir: filepath.Join(root, "build", "docs"), Version: "1.2.3", Date: &date})
	if err != nil {
		t.Fatal(err)
	}
	var relative []string
	for _, path := range files {
		rel, err := filepath.Rel(root, path)
		if err != nil {
			t.Fatal(err)
		}
		relative = append(relative, filepath.ToSlash(rel))
	}
	return root, relative
}

// matchingFiles returns the generated files that the glob src matches.
func matchingFiles(t *testing.T, src string, generated []string) []string {
	t.Helper()
	var matches []string
	for _, file := range generated {
		ok, err := filepath.Match(src, file)
		if err != nil {
			t.Fatalf("invalid glob %q: %v", src, err)
		}
		if ok {
			matches = append(matches, file)
		}
	}
	return matches
}

func TestReleaseBuildsEveryTarget(t *testing.T) {
	config := loadReleaseConfig(t)
	mains := map[string]string{}
	for _, build := range config.Builds {
		mains[build.Main] = build.ID
		for _, goos := range []string{"linux", "darwin", "windows"} {
			if !slices.Contains(build.Goos, goos) {
				t.Errorf("build %s: goos %v lacks %s", build.ID, build.Goos, goos)
			}
		}
		for _, goarch := range []string{"amd64", "arm64"} {
			if !slices.Contains(build.Goarch, goarch) {
				t.Errorf("build %s: goarch %v lacks %s", build.ID, build.Goarch, goarch)
			}
		}

		// pdauth-core prints the version, so it needs the -X flags.
		if build.Main != "./cmd/pdauth-core" {
			continue
		}
		ldflags := strings.Join(build.Ldflags, " ")
		for _, variable := range []string{"-X main.version=", "-X main.commit=", "-X main.date="} {
			if !strings.Contains(ldflags, variable) {
				t.Errorf("build %s: ldflags %q do not set %s", build.ID, ldflags, variable)
			}
		}
	}
	if mains["."] != "pdauth" || mains["./cmd/pdauth-core"] != "pdauth-core" {
		t.Errorf("builds map main packages to ids %v, want . to pdauth and ./cmd/pdauth-core to pdauth-core", mains)
	}
	if len(config.Builds) != 2 {
		t.Errorf("builds has %d entries, want 2", len(config.Builds))
	}
}

// TestReleaseShipsBothPrograms checks that every archive, package and the
// Homebrew formula contain pdauth-core next to pdauth, since pdauth runs
// it for every command but a plain token.
func TestReleaseShipsBothPrograms(t *testing.T) {
	config := loadReleaseConfig(t)
	both := []string{"pdauth", "pdauth-core"}
	for i, archive := range config.Archives {
		if !slices.Equal(archive.IDs, both) {
			t.Errorf("archives[%d].ids = %v, want %v", i, archive.IDs, both)
		}
	}
	for i, nfpm := range config.Nfpms {
		if !slices.Equal(nfpm.IDs, both) {
			t.Errorf("nfpms[%d].ids = %v, want %v", i, nfpm.IDs, both)
		}
	}
	for i, brew := range config.Brews {
		if !strings.Contains(brew.Install, `bin.install "pdauth", "pdauth-core"`) {
			t.Errorf("brews[%d].install does not install pdauth and pdauth-core:\n%s", i, brew.Install)
		}
	}
}

func TestReleaseHookRunsGendocs(t *testing.T) {
	config := loadReleaseConfig(t)

	found := false
	for _, hook := range config.Before.Hooks {
		if strings.HasPrefix(hook, "go run ./internal/docgen/cmd/gendocs -out build/docs ") {
			found = true
		}
	}
	if !found {
		t.Errorf("before.hooks %q do not run gendocs into build/docs", config.Before.Hooks)
	}
}

func TestReleaseArchivesShipDocs(t *testing.T) {
	config := loadReleaseConfig(t)
	_, generated := generateInRepoLayout(t)

	for i, archive := range config.Archives {
		shipped := map[string]bool{}
		for _, file := range archive.Files {
			if !strings.HasPrefix(file.Src, "build/") {
				continue
			}
			matches := matchingFiles(t, file.Src, generated)
			if len(matches) == 0 {
				t.Errorf("archives[%d]: %s matches no generated file", i, file.Src)
			}
			for _, match := range matches {
				shipped[match] = true
			}
		}
		for _, file := range generated {
			if !shipped[file] {
				t.Errorf("archives[%d] do not ship %s", i, file)
			}
		}
	}
}

func TestReleasePackagesShipDocs(t *testing.T) {
	config := loadReleaseConfig(t)
	_, generated := generateInRepoLayout(t)
	if len(config.Nfpms) == 0 {
		t.Fatal("no nfpms entry")
	}

	for i, nfpm := range config.Nfpms {
		for _, format := range []string{"deb", "rpm"} {
			if !slices.Contains(nfpm.Formats, format) {
				t.Errorf("nfpms[%d] formats %v lack %s", i, nfpm.Formats, format)
			}
		}

		// Each packager gets every generated file except the PowerShell
		// script. The packages ship the scripts that bash, zsh and fish load
		// from system directories.
		for _, packager := range []string{"deb", "rpm"} {
			shipped := map[string]bool{}
			for _, content := range nfpm.Contents {
				if content.Packager != "" && content.Packager != packager {
					continue
				}
				matches := matchingFiles(t, content.Src, generated)
				if len(matches) == 0 {
					t.Errorf("nfpms[%d]: %s matches no generated file", i, content.Src)
				}
				if !strings.HasPrefix(content.Dst, "/usr/share/") {
					t.Errorf("nfpms[%d]: %s goes to %s, outside /usr/share", i, content.Src, content.Dst)
				}
				for _, match := range matches {
					shipped[match] = true
				}
			}
			for _, file := range generated {
				if !shipped[file] && !strings.HasSuffix(file, PowerShellCompletionFile) {
					t.Errorf("nfpms[%d] %s package does not ship %s", i, packager, file)
				}
			}
		}
	}
}

func TestReleaseBrewIsNotPublished(t *testing.T) {
	config := loadReleaseConfig(t)
	if len(config.Brews) == 0 {
		t.Fatal("no brews entry")
	}

	for i, brew := range config.Brews {
		if brew.SkipUpload != "true" {
			t.Errorf("brews[%d].skip_upload = %q, want true until the tap is set", i, brew.SkipUpload)
		}
		if !strings.Contains(brew.Repository.Owner, "REPLACE") {
			t.Errorf("brews[%d].repository.owner = %q; once it is real, remove skip_upload and this test", i, brew.Repository.Owner)
		}
		for _, file := range []string{BashCompletionFile, ZshCompletionFile, FishCompletionFile, "manpages/"} {
			if !strings.Contains(brew.Install, file) {
				t.Errorf("brews[%d].install does not install %s", i, file)
			}
		}
	}
}
