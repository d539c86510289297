package main

import (
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	vcsInfo := &debug.BuildInfo{
		Main: debug.Module{Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "feedface"},
			{Key: "vcs.time", Value: "2026-01-01T00:00:00Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	modifiedInfo := &debug.BuildInfo{
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "feedface"},
			{Key: "vcs.modified", Value: "true"},
		},
	}

	tests := []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{
		{"nothing known", "", "", "", nil, "dev"},
		{"ldflags only", "1.2.3", "0123abc", "2026-01-02T03:04:05Z", nil, "1.2.3 (commit 0123abc, built 2026-01-02T03:04:05Z)"},
		{"version only", "1.2.3", "", "", nil, "1.2.3"},
		{"ldflags beat build info", "1.2.3", "0123abc", "", vcsInfo, "1.2.3 (commit 0123abc)"},
		{"go install version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"devel checkout", "", "", "", vcsInfo, "dev (commit feedface)"},
		{"modified checkout", "", "", "", modifiedInfo, "dev (commit feedface with uncommitted changes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := formatVersion(tt.version, tt.commit, tt.date, tt.info)
			if got != tt.want {
				t.Errorf("formatVersion(%q, %q, %q) = %q, want %q", tt.version, tt.commit, tt.date, got, tt.want)
			}
		})
	}
}

// TestVersionLdflags builds pdauth the way the release does and checks that
// the -X flags reach both ways of printing the version.
func TestVersionLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the pdauth binary; skipped with -short")
	}
	binary := filepath.Join(t.TempDir(), "pdauth")
	build := exec.Command("go", "build", "-o", binary, "-ldflags",
		"-X main.version=9.8.7 -X main.commit=0123456789abcdef -X main.date=2026-02-03T04:05:06Z", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const want = "pdauth version 9.8.7 (commit 0123456789abcdef, built 2026-02-03T04:05:06Z)\n"
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := exec.Command(binary, args...).Output()
		if err != nil {
			t.Fatalf("pdauth %s: %v", strings.Join(args, " "), err)
		}
		if string(out) != want {
			t.Errorf("pdauth %s printed %q, want %q", strings.Join(args, " "), out, want)
		}
	}
}
