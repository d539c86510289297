// Package iostreams holds the standard streams a command reads and writes,
// so that tests can swap them for buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"
)

// IOStreams contains a command's input and output streams. Out carries only
// the data a user requested (a token, whoami's output); everything meant
// for people (URLs, progress, warnings, errors) goes to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// System returns the process's own standard streams.
func System() *IOStreams {
	return &IOStreams{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
	}
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
