package pdtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

const (
	// maxRedirects is the number of redirects Browse follows, as many as
	// net/http follows by default.
	maxRedirects = 10
	// browseTimeout bounds one Browse call, redirects included.
	browseTimeout = 30 * time.Second
	// maxBodyBytes is how much of each response body Browse reads and drops.
	maxBodyBytes = 1 << 20
)

// Browse acts as the user's browser for tests and demos: it sends GET to
// rawURL, follows redirects to loopback hosts only, and returns the final
// status. It never uses a proxy and does not connect when localhost
// resolves to a non-loopback address. It writes "GET URL: STATUS" for each
// response to log, with the query removed, because the query carries the
// authorization code and state.
func Browse(ctx context.Context, rawURL string, log io.Writer) (int, error) {
	target, err := url.Parse(rawURL)
	if err != nil {
		return 0, fmt.Errorf("invalid URL: %w", err)
	}
	if err := checkLoopbackURL(target); err != nil {
		return 0, err
	}
	return browse(ctx, newBrowserClient(log), target)
}

// browse sends GET to target, follows redirects and returns the final status.
func browse(ctx context.Context, client *http.Client, target *url.URL) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "text/html, */*")

	resp, err := client.Do(req)
	if err != nil {
		return 0, redactURLError(err)
	}
	defer resp.Body.Close()

	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBodyBytes))
	return resp.StatusCode, nil
}

// newBrowserClient returns a client that reaches loopback hosts only and
// prints every response status to stderr.
func newBrowserClient(stderr io.Writer) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport := &http.Transport{
		// No proxy: a proxy would carry the requests off this machine.
		Proxy: nil,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			return dialLoopback(ctx, dialer, network, address)
		},
	}
	return &http.Client{
		Transport: &statusPrinter{next: transport, out: stderr},
		Timeout:   browseTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			return checkLoopbackURL(req.URL)
		},
	}
}

// statusPrinter prints "GET URL: STATUS" for each response, with the query
// and fragment removed from the URL.
type statusPrinter struct {
	next http.RoundTripper
	out  io.Writer
}

func (p *statusPrinter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := p.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(p.out, "%s %s: %s\n", req.Method, redactURL(req.URL), resp.Status)
	return resp, nil
}

// redactURLError replaces the *url.Error that http.Client returns, whose
// message contains the full URL, with one that names the redacted URL.
func redactURLError(err error) error {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		return err
	}
	target, parseErr := url.Parse(urlErr.URL)
	if parseErr != nil {
		return fmt.Errorf("%s request failed: %w", urlErr.Op, urlErr.Err)
	}
	return fmt.Errorf("%s %s: %w", urlErr.Op, redactURL(target), urlErr.Err)
}

// redactURL returns u without user info, query and fragment, which may carry
// codes or tokens.
func redactURL(u *url.URL) string {
	redacted := *u
	redacted.User = nil
	redacted.RawQuery = ""
	redacted.ForceQuery = false
	redacted.Fragment = ""
	redacted.RawFragment = ""
	return redacted.String()
}

// checkLoopbackURL returns an error unless u is an http or https URL whose
// host is localhost or a loopback IP.
func checkLoopbackURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("rejected %s: only http and https URLs are allowed", redactURL(u))
	}
	if !IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("rejected %s: the host must be localhost or a loopback IP such as 127.0.0.1 or [::1]", redactURL(u))
	}
	return nil
}

// dialLoopback resolves the host of address and connects to the first of its
// IP addresses that accepts. It rejects the host if any address is not
// loopback, so a name such as localhost cannot lead off this machine.
func dialLoopback(ctx context.Context, dialer *net.Dialer, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if !ip.Unmap().IsLoopback() {
			return nil, fmt.Errorf("rejected connection to %s: it resolves to the non-loopback address %s", host, ip)
		}
	}

	err = fmt.Errorf("no IP address found for %s", host)
	for _, ip := range ips {
		var conn net.Conn
		conn, err = dialer.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
	}
	return nil, err
}
