// Package bench holds what the benchmark programs under internal/bench/cmd
// share. The floor programs import it, so it stays small: it adds nothing
// to a binary that net/http does not already link.
package bench

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// ParseLoopbackURL parses raw and returns an error unless it is an http URL
// whose host is localhost or a loopback IP. The benchmarks send requests
// only to the test server on this machine.
func ParseLoopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %w", raw, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("invalid URL %q: the scheme must be http, for the test server on loopback", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("invalid URL %q: the host must be localhost or a loopback IP such as 127.0.0.1 or [::1]", raw)
	}
	return u, nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
