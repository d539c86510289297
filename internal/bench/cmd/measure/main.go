//go:build linux

// Command measure runs one program and reports its wall time and resource
// usage, for pdauthbench.
//
// Usage:
//
//	measure /absolute/path/to/program [ARGS...]
//
// The program inherits standard input, output and error and the
// environment. When it has exited, measure writes one line to file
// descriptor 3:
//
//	WALL_NS USER_NS SYSTEM_NS MAXRSS_KIB EXIT_STATUS END_UNIX_NS
//
// where WALL_NS runs from just before the fork to just after wait4 returned
// and END_UNIX_NS is the wall-clock time at that moment. EXIT_STATUS is 128
// plus the signal number for a program killed by a signal. measure exits
// with 0 when it could run the program and write the line, and with 2
// otherwise.
//
// pdauthbench needs this small process in between because Linux reports in
// ru_maxrss at least the RSS of the process that forked the program: Go
// forks with CLONE_VM, and execve records the shared address space's peak
// RSS as the new program's. measure stays far smaller than the programs it
// measures, so ru_maxrss is theirs, while pdauthbench's own RSS would hide
// them. measure writes its own peak RSS (VmHWM) to standard error when
// MEASURE_SELF_RSS=1 is set, so that claim can be checked.
package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// reportFD is the file descriptor that receives the result line.
const reportFD = 3

func main() {
	if len(os.Args) < 2 || !strings.HasPrefix(os.Args[1], "/") {
		os.Stderr.WriteString("usage: measure /absolute/path/to/program [ARGS...] (writes the result to fd 3)\n")
		os.Exit(2)
	}
	// The report pipe must not leak into the program.
	syscall.CloseOnExec(reportFD)

	if os.Getenv("MEASURE_SELF_RSS") == "1" {
		if status, err := os.ReadFile("/proc/self/status"); err == nil {
			for line := range strings.SplitSeq(string(status), "\n") {
				if strings.HasPrefix(line, "VmHWM:") {
					os.Stderr.WriteString("measure: own " + line + "\n")
				}
			}
		}
	}

	attr := &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{0, 1, 2},
		// The program dies with measure, so a benchmark that is stopped
		// leaves nothing running.
		Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	}
	start := time.Now()
	pid, err := syscall.ForkExec(os.Args[1], os.Args[1:], attr)
	if err != nil {
		os.Stderr.WriteString("measure: could not start " + os.Args[1] + ": " + err.Error() + "\n")
		os.Exit(2)
	}

	var status syscall.WaitStatus
	var usage syscall.Rusage
	for {
		_, err = syscall.Wait4(pid, &status, 0, &usage)
		if err != syscall.EINTR {
			break
		}
	}
	end := time.Now()
	if err != nil {
		os.Stderr.WriteString("measure: wait4: " + err.Error() + "\n")
		os.Exit(2)
	}

	exitStatus := status.ExitStatus()
	if status.Signaled() {
		exitStatus = 128 + int(status.Signal())
	}
	fields := []int64{
		int64(end.Sub(start)),
		usage.Utime.Nano(),
		usage.Stime.Nano(),
		usage.Maxrss,
		int64(exitStatus),
		end.UnixNano(),
	}
	var line []byte
	for i, field := range fields {
		if i > 0 {
			line = append(line, ' ')
		}
		line = strconv.AppendInt(line, field, 10)
	}
	line = append(line, '\n')

	report := os.NewFile(reportFD, "report")
	if _, err := report.Write(line); err != nil {
		os.Stderr.WriteString("measure: could not write the result to fd 3: " + err.Error() + "\n")
		os.Exit(2)
	}
}
