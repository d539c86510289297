package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesFiles(t *testing.T) {
	outDir := t.TempDir()
	var stderr bytes.Buffer

	code := run([]string{"-out", outDir, "-version", "1.2.3", "-date", "2026-01-02T03:04:05Z"}, &stderr)
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(outDir, "man", "pdauth.1.gz")); err != nil {
		t.Errorf("root man page missing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outDir, "completions", "pdauth.bash")); err != nil {
		t.Errorf("bash completion missing: %v", err)
	}
}

func TestRunRejectsInvalidDate(t *testing.T) {
	outDir := t.TempDir()
	var stderr bytes.Buffer

	code := run([]string{"-out", outDir, "-date", "January 2026"}, &stderr)
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), `invalid -date "January 2026"`) {
		t.Errorf("stderr does not name the invalid date:\n%s", stderr.String())
	}
	entries, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("wrote %d entries despite the invalid date", len(entries))
	}
}

func TestRunRejectsArgument(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"extra"}, &stderr); code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
}
