// Package waitui is what a terminal shows while pdauth login waits for the
// browser: a spinner, and a reader for an address pasted into the terminal.
package waitui

import (
	"bufio"
	"fmt"
	"io"
	"sync"
	"time"
)

// Writer serializes writes from the goroutines of a wait and drops every
// write after Close, so that nothing they print lands after the command's
// own final lines.
type Writer struct {
	mu     sync.Mutex
	out    io.Writer
	closed bool
}

// NewWriter returns a Writer that writes to out until it is closed.
func NewWriter(out io.Writer) *Writer {
	return &Writer{out: out}
}

func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return len(p), nil
	}
	return w.out.Write(p)
}

// Close makes later writes do nothing. It waits for a write in progress.
func (w *Writer) Close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}

// syncWriter serializes writes to an io.Writer.
type syncWriter struct {
	mu  sync.Mutex
	out io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.Write(p)
}

// Sync returns a writer that serializes writes to out, for a stream that
// several goroutines of a wait print to, such as the spinner and the
// callback server's debug log.
func Sync(out io.Writer) io.Writer {
	return &syncWriter{out: out}
}

// spinnerFrames are drawn in turn, one every spinnerInterval.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

const spinnerInterval = 100 * time.Millisecond

// Spinner redraws "FRAME text" on one line of w until stop is called, then
// erases the line. It draws with carriage returns and an erase-line escape
// sequence and uses no color, so it suits any terminal but not a file.
func Spinner(w io.Writer, text string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(spinnerInterval)
		defer ticker.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(w, "\r%s %s", spinnerFrames[i%len(spinnerFrames)], text)
			select {
			case <-done:
				fmt.Fprint(w, "\r\x1b[K")
				return
			case <-ticker.C:
			}
		}
	}()

	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}

// ReadPasted reads lines from in and hands each non-blank one to submit,
// until submit accepts one (returns nil) or in ends. When submit rejects a
// line, its error and a hint go to out and reading goes on. A line may be
// up to 64 KiB.
func ReadPasted(in io.Reader, out io.Writer, submit func(line string) error) {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 0, 4096), 64<<10)
	for scanner.Scan() {
		line := scanner.Text()
		if len(line) == 0 {
			continue
		}
		err := submit(line)
		if err == nil {
			return
		}
		fmt.Fprintf(out, "%v. Paste the whole address from the browser's address bar, or press Ctrl-C.\n", err)
	}
}
