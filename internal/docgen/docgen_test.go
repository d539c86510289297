package docgen

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func generateForTest(t *testing.T, outDir string) []string {
	t.Helper()
	date := time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC)
	files, err := Generate(Options{OutDir: outDir, Version: "1.2.3", Date: &date})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readGzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(data)
}

func TestGenerateCompletions(t *testing.T) {
	outDir := t.TempDir()
	generateForTest(t, outDir)

	tests := []struct {
		file   string
		marker string
	}{
		{BashCompletionFile, "# bash completion V2 for pdauth"},
		{ZshCompletionFile, "#compdef pdauth"},
		{FishCompletionFile, "# fish completion for pdauth"},
		{PowerShellCompletionFile, "# powershell completion for pdauth"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(outDir, "completions", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(data), tt.marker) {
				t.Errorf("%s does not start with %q", tt.file, tt.marker)
			}
		})
	}
}

func TestGenerateManPages(t *testing.T) {
	outDir := t.TempDir()
	generateForTest(t, outDir)

	for _, name := range []string{"pdauth", "pdauth-login", "pdauth-whoami", "pdauth-token", "pdauth-version", "pdauth-completion", "pdauth-completion-bash"} {
		t.Run(name, func(t *testing.T) {
			page := readGzip(t, filepath.Join(outDir, "man", name+".1.gz"))
			if !strings.Contains(page, `.TH "PDAUTH" "1" "Jan 2026" "pdauth 1.2.3" "pdauth manual"`) {
				t.Errorf("page lacks the expected .TH header:\n%s", page)
			}
			if !strings.Contains(page, ".SH NAME\n"+name+" - ") {
				t.Errorf("page does not name %s in its NAME section:\n%s", name, page)
			}
			if strings.Contains(page, "Auto generated") {
				t.Errorf("page contains cobra's dated generator line, which makes builds differ")
			}
		})
	}

	root := readGzip(t, filepath.Join(outDir, "man", "pdauth.1.gz"))
	if !strings.Contains(root, `\fB--version\fP`) {
		t.Errorf("root page does not list --version:\n%s", root)
	}
}

func TestGenerateOnePagePerCommand(t *testing.T) {
	outDir := t.TempDir()
	files := generateForTest(t, outDir)

	pages, err := filepath.Glob(filepath.Join(outDir, "man", "*.1.gz"))
	if err != nil {
		t.Fatal(err)
	}
	commands := ManCommands(NewRoot("1.2.3"))
	if len(pages) != len(commands) {
		t.Errorf("wrote %d man pages for %d commands: %v", len(pages), len(commands), pages)
	}
	if want := len(commands) + 4; len(files) != want {
		t.Errorf("Generate returned %d paths, want %d", len(files), want)
	}
	for _, c := range commands {
		if c.Hidden || c.Name() == "help" {
			t.Errorf("man page for %q, which help does not list", c.CommandPath())
		}
	}
}

func TestGenerateRemovesStalePages(t *testing.T) {
	outDir := t.TempDir()
	manDir := filepath.Join(outDir, "man")
	if err := os.MkdirAll(manDir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(manDir, "pdauth-removed.1.gz")
	other := filepath.Join(manDir, "README")
	for _, path := range []string{stale, other} {
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	generateForTest(t, outDir)

	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale page %s still exists (stat error %v)", stale, err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("unrelated file %s was removed: %v", other, err)
	}
}

func TestGenerateReproducible(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	firstFiles := generateForTest(t, first)
	generateForTest(t, second)

	for _, path := range firstFiles {
		rel, err := filepath.Rel(first, path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(second, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same version and date", rel)
		}
	}
}
