// Command pdtestserver runs the fake PagerDuty server of package pdtest for
// demos and scripts, and can fetch its pages like a minimal browser.
//
// Usage:
//
//	pdtestserver [flags]
//	pdtestserver browse URL
//
// Without a subcommand, pdtestserver starts the server and prints its base
// URL, such as http://127.0.0.1:41234, as the only line on standard output.
// Notes and request logs go to standard error, and the logs never contain
// query strings, tokens or codes. The server runs until SIGINT or SIGTERM.
// The flags are:
//
//	-addr ADDR              listen address, a loopback IP and port (default 127.0.0.1:0, a free port)
//	-client-id ID           registered OAuth client ID (default pdauth-test-client)
//	-redirect-uri URI       registered redirect URI, repeatable or comma-separated
//	                        (default http://localhost:5000/callback)
//	-region us|eu           region claim of the id_token (default us)
//	-api-url URL            aud claim and REST base, on a loopback host (default: the server URL)
//	-subdomain NAME         account subdomain (default pdauth-test)
//	-token-lifetime DUR     access token lifetime, at least 1s (default 1h)
//	-deny                   redirect every valid authorization request with error=access_denied
//
// "pdtestserver browse URL" acts as the user's browser. It sends GET
// to URL and follows up to 10 redirects, but only to http or https URLs whose
// host is localhost or a loopback IP. It rejects any other redirect without
// connecting, never uses a proxy, and does not connect if localhost
// resolves to a non-loopback address. It prints each status to standard
// error with the query removed, because the query carries the authorization
// code. It exits with 0 if the last response is 2xx, 1 otherwise, and 2 on a
// usage error.
//
// A demo script can combine both:
//
//	pdtestserver -redirect-uri http://127.0.0.1:8085/callback >server-url &
//	# wait until server-url has a line, then start the client under test,
//	# which prints the authorization URL, and pass that URL to:
//	pdtestserver browse "$AUTHORIZE_URL"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code. The server mode
// runs until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "browse" {
		return runBrowse(ctx, args[1:], stderr)
	}
	return runServe(ctx, args, stdout, stderr)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))

	server, err := pdtest.Start(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "pdtestserver: %v\n", err)
		return 1
	}
	defer server.Close()

	fmt.Fprintln(stdout, server.URL())
	fmt.Fprintf(stderr, "pdtestserver: authorization endpoint %s/oauth/authorize\n", server.URL())
	fmt.Fprintf(stderr, "pdtestserver: token endpoint %s/oauth/token\n", server.URL())
	fmt.Fprintf(stderr, "pdtestserver: client_id %s, redirect URIs %s\n", cfg.ClientID, strings.Join(cfg.RedirectURIs, ", "))
	fmt.Fprintln(stderr, "pdtestserver: press Ctrl-C or send SIGTERM to stop")

	<-ctx.Done()
	return 0
}

// parseServeFlags returns the server configuration from the command line.
// Fields left empty take the pdtest defaults in Start.
func parseServeFlags(args []string, stderr io.Writer) (pdtest.Config, error) {
	var cfg pdtest.Config
	var redirectURIs uriList

	flags := flag.NewFlagSet("pdtestserver", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&cfg.Addr, "addr", pdtest.DefaultAddr, "listen `address`, a loopback IP and port; port 0 picks a free port")
	flags.StringVar(&cfg.ClientID, "client-id", pdtest.DefaultClientID, "registered OAuth client `ID`")
	flags.Var(&redirectURIs, "redirect-uri", "registered redirect `URI`, repeatable or comma-separated (default "+pdtest.DefaultRedirectURI+")")
	flags.StringVar(&cfg.Region, "region", pdtest.DefaultRegion, "region claim of the id_token, us or eu")
	flags.StringVar(&cfg.APIURL, "api-url", "", "aud claim and REST base `URL` on a loopback host (default: the server URL)")
	flags.StringVar(&cfg.Subdomain, "subdomain", pdtest.DefaultSubdomain, "PagerDuty account `subdomain`")
	flags.DurationVar(&cfg.AccessTokenLifetime, "token-lifetime", pdtest.DefaultAccessTokenLifetime, "access token lifetime, at least 1s")
	flags.BoolVar(&cfg.Deny, "deny", false, "redirect every valid authorization request with error=access_denied")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: pdtestserver [flags]\n       pdtestserver browse URL\n\nflags:")
		flags.PrintDefaults()
	}

	if err := flags.Parse(args); err != nil {
		return cfg, err
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "pdtestserver: unexpected argument %q\n", flags.Arg(0))
		flags.Usage()
		return cfg, errors.New("unexpected argument")
	}
	cfg.RedirectURIs = redirectURIs
	return cfg, nil
}

// uriList is a flag value that collects URIs from repeated flags and from
// comma-separated lists.
type uriList []string

func (l *uriList) String() string {
	return strings.Join(*l, ",")
}

func (l *uriList) Set(value string) error {
	for uri := range strings.SplitSeq(value, ",") {
		uri = strings.TrimSpace(uri)
		if uri == "" {
			return errors.New("empty URI in list")
		}
		*l = append(*l, uri)
	}
	return nil
}
