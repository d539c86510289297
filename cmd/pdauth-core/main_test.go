package main

import (
	"runtime/debug"
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
