//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// processTimeout bounds one child process, so a hung run stops the
// benchmark instead of blocking it.
const processTimeout = 60 * time.Second

// sample is one measured run of a program, as the measure program reports
// it.
type sample struct {
	Wall   time.Duration // from just before fork to just after wait4 returned
	CPU    time.Duration // user plus system time of the program and the children it waited for
	MaxRSS int64         // peak resident set size in bytes (ru_maxrss)
	End    time.Time     // wall-clock time when wait4 returned
}

// runOutput contains the standard output and error of one run.
type runOutput struct {
	Stdout string
	Stderr string
}

// measured is a program started under the measure program.
type measured struct {
	cmd    *exec.Cmd
	report *os.File // read end of the pipe on which measure writes its result
}

// startMeasured starts argv under measure with env, stdout and stderr. The
// caller must call wait.
func (b *benchmark) startMeasured(ctx context.Context, env []string, stdout, stderr io.Writer, argv ...string) (*measured, error) {
	reportReader, reportWriter, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, b.bin("measure"), argv...)
	cmd.Env = env
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.ExtraFiles = []*os.File{reportWriter} // fd 3 in measure
	err = cmd.Start()
	reportWriter.Close()
	if err != nil {
		reportReader.Close()
		return nil, err
	}
	return &measured{cmd: cmd, report: reportReader}, nil
}

// wait waits for measure and returns the program's sample. It returns an
// error unless the program exited with status 0.
func (m *measured) wait() (sample, error) {
	defer m.report.Close()
	waitErr := m.cmd.Wait()
	line, err := io.ReadAll(m.report)
	if err != nil {
		return sample{}, err
	}
	if waitErr != nil {
		return sample{}, fmt.Errorf("measure failed: %w", waitErr)
	}
	return parseReport(string(line))
}

// parseReport parses the line that measure writes:
// WALL_NS USER_NS SYSTEM_NS MAXRSS_KIB EXIT_STATUS END_UNIX_NS.
func parseReport(line string) (sample, error) {
	fields := strings.Fields(line)
	if len(fields) != 6 {
		return sample{}, fmt.Errorf("invalid measure result %q: want 6 fields", line)
	}
	values := make([]int64, len(fields))
	for i, field := range fields {
		value, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return sample{}, fmt.Errorf("invalid measure result %q: %w", line, err)
		}
		values[i] = value
	}
	if status := values[4]; status != 0 {
		return sample{}, fmt.Errorf("exited with status %d", status)
	}
	return sample{
		Wall:   time.Duration(values[0]),
		CPU:    time.Duration(values[1] + values[2]),
		MaxRSS: values[3] * 1024, // Linux reports ru_maxrss in KiB
		End:    time.Unix(0, values[5]),
	}, nil
}

// runProcess runs argv under measure with env and returns its sample and
// output. It returns an error when the program cannot start, runs longer
// than processTimeout or exits with a status other than 0.
func (b *benchmark) runProcess(ctx context.Context, env []string, argv ...string) (sample, runOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, processTimeout)
	defer cancel()

	var stdout, stderr bytes.Buffer
	m, err := b.startMeasured(ctx, env, &stdout, &stderr, argv...)
	if err != nil {
		return sample{}, runOutput{}, err
	}
	s, err := m.wait()
	out := runOutput{Stdout: stdout.String(), Stderr: stderr.String()}
	if err != nil {
		return sample{}, out, fmt.Errorf("%s: %w\nstderr:\n%s", argv[0], err, out.Stderr)
	}
	if s.Wall <= 0 {
		return sample{}, out, errors.New("measure reported no wall time")
	}
	return s, out, nil
}
