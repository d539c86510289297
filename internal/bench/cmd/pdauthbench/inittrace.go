//go:build linux

package main

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// initLine matches a line that GODEBUG=inittrace=1 prints for each package
// initialization, as of Go 1.26:
//
//	init crypto/tls @1.2 ms, 0.15 ms clock, 12345 bytes, 67 allocs
var initLine = regexp.MustCompile(`^init (\S+) @([0-9.]+) ms, ([0-9.]+) ms clock, ([0-9]+) bytes, ([0-9]+) allocs$`)

// packageInit is one package's initialization cost.
type packageInit struct {
	Package string
	ClockMS float64 // wall-clock time of its init functions
	Bytes   int64
	Allocs  int64
}

// parseInitTrace returns the package inits in the order stderr lists them,
// ignoring every other line.
func parseInitTrace(stderr string) []packageInit {
	var inits []packageInit
	for line := range strings.SplitSeq(stderr, "\n") {
		match := initLine.FindStringSubmatch(strings.TrimSpace(line))
		if match == nil {
			continue
		}
		clock, _ := strconv.ParseFloat(match[3], 64)
		bytes, _ := strconv.ParseInt(match[4], 10, 64)
		allocs, _ := strconv.ParseInt(match[5], 10, 64)
		inits = append(inits, packageInit{Package: match[1], ClockMS: clock, Bytes: bytes, Allocs: allocs})
	}
	return inits
}

// initSummary is the median init cost of each package over several runs.
type initSummary struct {
	Packages []packageInit // sorted by ClockMS, highest first
	TotalMS  float64       // median over runs of the summed clock time
}

// summarizeInitTraces takes the median clock time, bytes and allocations of
// each package over the runs, and the median of each run's total.
func summarizeInitTraces(runs [][]packageInit) initSummary {
	clocks := map[string][]float64{}
	bytes := map[string][]int64{}
	allocs := map[string][]int64{}
	var totals []float64
	for _, run := range runs {
		total := 0.0
		for _, p := range run {
			clocks[p.Package] = append(clocks[p.Package], p.ClockMS)
			bytes[p.Package] = append(bytes[p.Package], p.Bytes)
			allocs[p.Package] = append(allocs[p.Package], p.Allocs)
			total += p.ClockMS
		}
		totals = append(totals, total)
	}

	summary := initSummary{TotalMS: medianFloat(totals)}
	for name, values := range clocks {
		summary.Packages = append(summary.Packages, packageInit{
			Package: name,
			ClockMS: medianFloat(values),
			Bytes:   median(bytes[name]),
			Allocs:  median(allocs[name]),
		})
	}
	slices.SortFunc(summary.Packages, func(a, b packageInit) int {
		if a.ClockMS != b.ClockMS {
			if a.ClockMS > b.ClockMS {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Package, b.Package)
	})
	return summary
}
