//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// machineDescription returns the facts about this machine that a reader
// needs to compare figures: CPUs, CPU model, memory, kernel and Go version.
func machineDescription() string {
	model := firstField("/proc/cpuinfo", "model name")
	memory := "unknown"
	if total := firstField("/proc/meminfo", "MemTotal"); total != "" {
		kib, err := strconv.ParseInt(strings.TrimSuffix(total, " kB"), 10, 64)
		if err == nil {
			memory = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
		}
	}
	kernel, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		kernel = []byte("unknown")
	}
	return fmt.Sprintf("nproc %d, CPU %s, memory %s, Linux %s, %s %s/%s",
		runtime.NumCPU(), model, memory, strings.TrimSpace(string(kernel)),
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// loadAverage returns the 1-, 5- and 15-minute load averages from
// /proc/loadavg, which show whether other work shared the CPUs with a run.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// firstField returns the value of the first "key : value" line in path
// whose key is key, or "".
func firstField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()

	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		name, value, ok := strings.Cut(scanner.Text(), ":")
		if ok && strings.TrimSpace(name) == key {
			return strings.TrimSpace(value)
		}
	}
	return ""
}
