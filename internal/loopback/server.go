package loopback

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxQueryLength is the longest callback query accepted, in bytes. A real
// authorization response is a few hundred bytes.
const maxQueryLength = 8 << 10

// Config describes the callback a Server waits for.
type Config struct {
	// RedirectURI is the registered redirect URI, as returned by
	// ParseRedirectURI. The server listens on its host and port, serves
	// only GET requests for its path, and checks the Host header against it.
	RedirectURI *url.URL

	// State is the OAuth state parameter sent in the authorization request.
	// A callback whose state differs gets a 400 page and does not end the
	// wait.
	State string

	// Log, when set, receives one line per request with its status, with
	// the code and state replaced by a marker. It is set for --debug.
	Log io.Writer
}

// Server is the loopback HTTP server that receives one authorization
// response. It delivers the first callback carrying the right state and
// responds to later ones with a page saying the login is already complete.
type Server struct {
	cfg       Config
	http      *http.Server
	listeners []net.Listener

	once   sync.Once
	result chan callbackResult
}

type callbackResult struct {
	code string
	err  error
}

// PortInUseError reports that another program holds the redirect URI's port.
type PortInUseError struct {
	Address string
	Err     error
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("could not listen on %s: the port is already in use by another program", e.Address)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// Listen binds the redirect URI's port and starts serving. It returns a
// *PortInUseError when the port is taken. For localhost it binds both
// 127.0.0.1 and ::1; a machine without IPv6 is served on 127.0.0.1 alone.
func Listen(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, result: make(chan callbackResult, 1)}
	var handler http.Handler = s
	if cfg.Log != nil {
		handler = logRequests(s, cfg.Log)
	}
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
	s.http.SetKeepAlivesEnabled(false)

	addresses := listenAddresses(cfg.RedirectURI)
	for i, address := range addresses {
		l, err := net.Listen("tcp", address)
		if err != nil {
			if i > 0 && isAddressUnavailable(err) {
				continue
			}
			s.closeListeners()
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, &PortInUseError{Address: address, Err: err}
			}
			return nil, fmt.Errorf("could not listen on %s: %w", address, err)
		}
		s.listeners = append(s.listeners, l)
	}

	for _, l := range s.listeners {
		go func() { _ = s.http.Serve(l) }()
	}
	return s, nil
}

// isAddressUnavailable reports whether err means the address does not
// exist on this machine, as ::1 does where IPv6 is disabled.
func isAddressUnavailable(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT)
}

// Addrs returns the addresses the server listens on.
func (s *Server) Addrs() []net.Addr {
	addrs := make([]net.Addr, len(s.listeners))
	for i, l := range s.listeners {
		addrs[i] = l.Addr()
	}
	return addrs
}

// Wait blocks until a callback with the right state arrives or ctx ends. It
// returns the authorization code, an *AuthorizationError when the
// authorization server reported an error, or ctx's error.
func (s *Server) Wait(ctx context.Context) (string, error) {
	select {
	case r := <-s.result:
		return r.code, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close stops the server at once: it closes the listeners and every
// connection, including ones a browser keeps open, so the port is free when
// Close returns. The page of the delivered callback is already written by
// then, because the handler writes it before it hands over the result.
// Calling Close more than once is safe.
func (s *Server) Close() error {
	return s.http.Close()
}

func (s *Server) closeListeners() {
	for _, l := range s.listeners {
		_ = l.Close()
	}
}

// claim reports whether the caller is the first to reach a result. Only
// that caller may then send on s.result.
func (s *Server) claim() bool {
	claimed := false
	s.once.Do(func() { claimed = true })
	return claimed
}

func (s *Server) stateMatches(state string) bool {
	return subtle.ConstantTimeCompare([]byte(state), []byte(s.cfg.State)) == 1
}

// hostAllowed reports whether the Host header names the redirect URI's host
// and port. Other names reach this server only through DNS rebinding.
func (s *Server) hostAllowed(host string) bool {
	want := s.cfg.RedirectURI.Host
	if strings.EqualFold(host, want) {
		return true
	}
	port := s.cfg.RedirectURI.Port()
	return port == "" && strings.EqualFold(host, s.cfg.RedirectURI.Hostname()+":80")
}
