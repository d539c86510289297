//go:build linux

package main

import (
	"slices"
	"time"
)

// median returns the median of values, the mean of the two middle ones for
// an even count, or 0 for none.
func median[T ~int64](values []T) T {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	middle := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[middle]
	}
	return (sorted[middle-1] + sorted[middle]) / 2
}

// percentile returns the value at fraction p (0 to 1) of the sorted values,
// by the nearest-rank method, or 0 for none.
func percentile[T ~int64](values []T, p float64) T {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	rank := int(p*float64(len(sorted)) + 0.5)
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

// series collects the samples of one program.
type series struct {
	Name    string
	Samples []sample
}

func (s *series) walls() []time.Duration {
	walls := make([]time.Duration, len(s.Samples))
	for i, sample := range s.Samples {
		walls[i] = sample.Wall
	}
	return walls
}

func (s *series) cpus() []time.Duration {
	cpus := make([]time.Duration, len(s.Samples))
	for i, sample := range s.Samples {
		cpus[i] = sample.CPU
	}
	return cpus
}

func (s *series) maxRSS() []int64 {
	rss := make([]int64, len(s.Samples))
	for i, sample := range s.Samples {
		rss[i] = sample.MaxRSS
	}
	return rss
}

// pairRatios returns a[i].Wall / b[i].Wall for each pair of runs.
func pairRatios(a, b *series) []float64 {
	n := min(len(a.Samples), len(b.Samples))
	ratios := make([]float64, n)
	for i := range n {
		ratios[i] = float64(a.Samples[i].Wall) / float64(b.Samples[i].Wall)
	}
	return ratios
}

// medianFloat returns the median of values, or 0 for none.
func medianFloat(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	middle := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[middle]
	}
	return (sorted[middle-1] + sorted[middle]) / 2
}
