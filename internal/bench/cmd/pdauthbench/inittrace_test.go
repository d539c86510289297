//go:build linux

package main

import "testing"

func TestParseInitTrace(t *testing.T) {
	stderr := "init internal/bytealg @0.004 ms, 0.002 ms clock, 0 bytes, 0 allocs\n" +
		"some other line\n" +
		"init crypto/tls @1.500 ms, 0.250 ms clock, 12345 bytes, 67 allocs\n"

	inits := parseInitTrace(stderr)
	if len(inits) != 2 {
		t.Fatalf("parsed %d inits, want 2: %+v", len(inits), inits)
	}
	want := packageInit{Package: "crypto/tls", ClockMS: 0.25, Bytes: 12345, Allocs: 67}
	if inits[1] != want {
		t.Errorf("inits[1] = %+v, want %+v", inits[1], want)
	}
}

func TestSummarizeInitTraces(t *testing.T) {
	runs := [][]packageInit{
		{{Package: "a", ClockMS: 1}, {Package: "b", ClockMS: 3}},
		{{Package: "a", ClockMS: 2}, {Package: "b", ClockMS: 5}},
		{{Package: "a", ClockMS: 9}, {Package: "b", ClockMS: 4}},
	}

	summary := summarizeInitTraces(runs)
	if len(summary.Packages) != 2 {
		t.Fatalf("got %d packages, want 2", len(summary.Packages))
	}
	if summary.Packages[0].Package != "b" || summary.Packages[0].ClockMS != 4 {
		t.Errorf("first package = %+v, want b with median 4 ms", summary.Packages[0])
	}
	if summary.Packages[1].ClockMS != 2 {
		t.Errorf("a median = %v, want 2", summary.Packages[1].ClockMS)
	}
	// Run totals are 4, 7 and 13 ms.
	if summary.TotalMS != 7 {
		t.Errorf("TotalMS = %v, want 7", summary.TotalMS)
	}
}
