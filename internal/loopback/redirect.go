// Package loopback runs the short-lived HTTP server on the user's machine
// that receives the OAuth 2.0 authorization response (RFC 8252 section 7.3).
package loopback

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseRedirectURI checks that raw is an http URL on a loopback host
// (localhost, 127.0.0.1 or [::1]) and returns it parsed. The port is taken
// as written; a URI without one uses port 80. The authorization server
// matches the redirect URI exactly, so nothing is normalized.
func ParseRedirectURI(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid redirect URI %q: %w", raw, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("invalid redirect URI %q: the scheme must be http, for a server on this machine", raw)
	}
	if host := u.Hostname(); !strings.EqualFold(host, "localhost") && host != "127.0.0.1" && host != "::1" {
		return nil, fmt.Errorf("invalid redirect URI %q: the host must be localhost, 127.0.0.1 or [::1]", raw)
	}
	if u.User != nil || u.Fragment != "" || u.RawQuery != "" {
		return nil, fmt.Errorf("invalid redirect URI %q: it must not contain user info, a query or a fragment", raw)
	}
	if port := u.Port(); port != "" {
		if _, err := net.LookupPort("tcp", port); err != nil || strings.HasPrefix(port, "0") {
			return nil, fmt.Errorf("invalid redirect URI %q: invalid port %q", raw, port)
		}
	}
	return u, nil
}

// IsLoopbackHost reports whether host (without a port) is localhost or a
// loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Port returns the port of a redirect URI, "80" when it names none.
func Port(u *url.URL) string {
	if port := u.Port(); port != "" {
		return port
	}
	return "80"
}

// listenAddresses returns the addresses to bind for u: both 127.0.0.1 and
// ::1 for localhost, because a browser may resolve it to either.
func listenAddresses(u *url.URL) []string {
	port := Port(u)
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return []string{net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("::1", port)}
	}
	return []string{net.JoinHostPort(host, port)}
}
