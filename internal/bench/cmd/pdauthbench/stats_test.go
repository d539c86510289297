//go:build linux

package main

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		values []time.Duration
		want   time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5}, 5},
		{[]time.Duration{3, 1, 2}, 2},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2 in integer nanoseconds
		{[]time.Duration{10, 20}, 15},
	}
	for _, tt := range tests {
		if got := median(tt.values); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

func TestMedianDoesNotSortInput(t *testing.T) {
	values := []int64{3, 1, 2}
	median(values)
	if values[0] != 3 || values[1] != 1 || values[2] != 2 {
		t.Errorf("median reordered its input to %v", values)
	}
}

func TestPercentile(t *testing.T) {
	values := []int64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}
	tests := []struct {
		p    float64
		want int64
	}{
		{0, 1},
		{0.5, 5},
		{0.9, 9},
		{1, 10},
	}
	for _, tt := range tests {
		if got := percentile(values, tt.p); got != tt.want {
			t.Errorf("percentile(p=%v) = %d, want %d", tt.p, got, tt.want)
		}
	}
}

func TestPairRatios(t *testing.T) {
	a := &series{Samples: []sample{{Wall: 12}, {Wall: 30}}}
	b := &series{Samples: []sample{{Wall: 10}, {Wall: 20}}}

	ratios := pairRatios(a, b)
	if len(ratios) != 2 {
		t.Fatalf("got %d ratios, want 2", len(ratios))
	}
	if ratios[0] != 1.2 {
		t.Errorf("ratios[0] = %v, want 1.2", ratios[0])
	}
	if ratios[1] != 1.5 {
		t.Errorf("ratios[1] = %v, want 1.5", ratios[1])
	}
	if got := medianFloat(ratios); got != 1.35 {
		t.Errorf("medianFloat = %v, want 1.35", got)
	}
}
