//go:build linux

package main

import (
	"fmt"
	"time"
)

func (b *benchmark) printSection(title string) {
	fmt.Fprintf(b.out, "\n## %s\n\n", title)
}

// printComparison prints one line per program and the ratios of wall time,
// and returns the ratio of the medians, a over floor.
func (b *benchmark) printComparison(a, floor *series) float64 {
	fmt.Fprintf(b.out, "  %-16s %6s %10s %10s %10s %12s %14s\n",
		"program", "runs", "median", "p90", "min", "median CPU", "median maxrss")
	for _, s := range []*series{a, floor} {
		walls := s.walls()
		fmt.Fprintf(b.out, "  %-16s %6d %10s %10s %10s %12s %14s\n",
			s.Name, len(s.Samples),
			formatMS(median(walls)), formatMS(percentile(walls, 0.9)), formatMS(percentile(walls, 0)),
			formatMS(median(s.cpus())), formatMiB(median(s.maxRSS())))
	}

	ratio := float64(median(a.walls())) / float64(median(floor.walls()))
	fmt.Fprintf(b.out, "  %s / %s: ratio of median wall times %.2fx, median of per-pair ratios %.2fx, median CPU %+.2f ms, median maxrss %s\n",
		a.Name, floor.Name, ratio, medianFloat(pairRatios(a, floor)),
		float64(median(a.cpus())-median(floor.cpus()))/1e6,
		formatSignedMiB(median(a.maxRSS())-median(floor.maxRSS())))
	return ratio
}

// printTarget prints a target, the measured value and whether it is met.
func (b *benchmark) printTarget(target, measured string, met bool) {
	verdict := "MET"
	if !met {
		verdict = "MISSED"
	}
	fmt.Fprintf(b.out, "  target: %s: %s (%s)\n", target, verdict, measured)
}

func formatMS(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func formatMiB(n int64) string {
	return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
}

func formatSignedMiB(n int64) string {
	return fmt.Sprintf("%+.2f MiB", float64(n)/(1<<20))
}
