package launch

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// InterruptDelay is how long pdauth runs before it handles Ctrl-C and
// SIGTERM itself. Handling signals starts extra threads, which cost
// `pdauth token` 0.2 to 0.4 ms on the machine in BENCHMARKS.md, while a
// keychain read normally takes a few milliseconds. So pdauth handles them
// only once the read is slow, for example while the keychain waits for a
// password prompt. Before that, a signal ends pdauth as it ends most
// programs, which a shell reports as exit code 130 for Ctrl-C and 143 for
// SIGTERM.
const InterruptDelay = 100 * time.Millisecond

// HandleInterruptsLater makes pdauth exit with 130 and print
// "pdauth: interrupted" on stderr, as pdauth-core does, when Ctrl-C or
// SIGTERM arrives after InterruptDelay. The returned function stops that,
// and must be called before pdauth-core takes over.
func HandleInterruptsLater(stderr io.Writer) (stop func()) {
	var mu sync.Mutex
	stopped := false
	var signals chan os.Signal

	timer := time.AfterFunc(InterruptDelay, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		signals = make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-signals
			fmt.Fprintln(stderr, "pdauth: interrupted")
			os.Exit(130)
		}()
	})

	return func() {
		timer.Stop()
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		if signals != nil {
			signal.Stop(signals)
		}
	}
}
