// Package iostreams holds the standard streams a command reads and writes,
// so that tests can swap them for buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams contains a command's input and output streams. Out carries only
// the data a user requested (a token, whoami's output); everything meant
// for people (URLs, progress, warnings, errors) goes to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// StdinIsTerminal and StderrIsTerminal report whether those streams are
	// a terminal. Commands prompt or draw a spinner
	// only then.
	StdinIsTerminal  bool
	StderrIsTerminal bool

	// StderrWidth is the width of the stderr terminal in columns, or 0 when
	// stderr is not a terminal or its size is unknown.
	StderrWidth int
}

// System returns the process's own standard streams.
func System() *IOStreams {
	return &IOStreams{
		In:               os.Stdin,
		Out:              os.Stdout,
		ErrOut:           os.Stderr,
		StdinIsTerminal:  isTerminal(os.Stdin),
		StderrIsTerminal: isTerminal(os.Stderr),
		StderrWidth:      terminalWidth(os.Stderr),
	}
}

func terminalWidth(f *os.File) int {
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}

// isTerminal reports whether f is a terminal. Unlike a check for a
// character device, it is false for /dev/null.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// Test returns streams backed by buffers: an empty stdin, and the buffers
// that collect stdout and stderr.
func Test() (streams *IOStreams, stdout, stderr *bytes.Buffer) {
	stdout = &bytes.Buffer{}
	stderr = &bytes.Buffer{}
	streams = &IOStreams{
		In:     &bytes.Buffer{},
		Out:    stdout,
		ErrOut: stderr,
	}
	return streams, stdout, stderr
}
