package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func runBrowse(ctx context.Context, args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("pdtestserver browse", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: pdtestserver browse URL\n\n"+
			"GET URL and follow redirects to loopback hosts only. Exit 0 on a final 2xx status.")
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return 2
	}

	target, err := url.Parse(flags.Arg(0))
	if err == nil && !pdtest.IsLoopbackHost(target.Hostname()) {
		err = errors.New("the host must be localhost or a loopback IP such as 127.0.0.1 or [::1]")
	}
	if err != nil {
		fmt.Fprintf(stderr, "pdtestserver browse: invalid URL: %v\n", err)
		return 2
	}

	status, err := pdtest.Browse(ctx, target.String(), stderr)
	if err != nil {
		fmt.Fprintf(stderr, "pdtestserver browse: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "pdtestserver browse: final status %d %s\n", status, http.StatusText(status))
	if status < 200 || status > 299 {
		return 1
	}
	return 0
}
