//go:build linux

package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseReport(t *testing.T) {
	s, err := parseReport("1500000 1000000 250000 8192 0 1700000000000000000\n")
	if err != nil {
		t.Fatal(err)
	}
	if s.Wall != 1500*time.Microsecond {
		t.Errorf("Wall = %v, want 1.5ms", s.Wall)
	}
	if s.CPU != 1250*time.Microsecond {
		t.Errorf("CPU = %v, want user plus system, 1.25ms", s.CPU)
	}
	if s.MaxRSS != 8<<20 {
		t.Errorf("MaxRSS = %d, want 8 MiB in bytes", s.MaxRSS)
	}
	if !s.End.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("End = %v, want 1700000000 s after the epoch", s.End)
	}
}

func TestParseReportRejects(t *testing.T) {
	tests := map[string]string{
		"failed program": "1 1 1 1 3 1",
		"too few fields": "1 1 1 1 0",
		"not a number":   "1 1 x 1 0 1",
	}
	for name, line := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parseReport(line); err == nil {
				t.Errorf("parseReport(%q) succeeded, want an error", line)
			}
		})
	}
	_, err := parseReport("1 1 1 1 3 1")
	if err == nil || !strings.Contains(err.Error(), "status 3") {
		t.Errorf("error = %v, want it to name exit status 3", err)
	}
}
