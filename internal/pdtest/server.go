package pdtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// shutdownTimeout bounds how long Close waits for in-flight requests.
const shutdownTimeout = 5 * time.Second

// User is the PagerDuty user that the server signs in and returns from
// GET /users/me. Start fills each empty field with its default.
type User struct {
	// ID is the PagerDuty user ID. Default "PXUSR01".
	ID string
	// Name is the display name. Default "Test User".
	Name string
	// Email is the login email. Default "test.user@example.com".
	Email string
	// TimeZone is an IANA time zone name. Default "Etc/UTC".
	TimeZone string
	// Role is the PagerDuty account role. Default "user".
	Role string
	// JobTitle is the job title. Default "Engineer".
	JobTitle string
}

// Config sets up a Server. The zero value is valid, and Start fills each
// zero field with the default named in its comment.
type Config struct {
	// Addr is the TCP listen address. It must be a loopback IP literal with a
	// port, such as "127.0.0.1:0" or "[::1]:8080". Default "127.0.0.1:0", which
	// picks a free port.
	Addr string
	// ClientID is the registered OAuth client ID. Default "pdauth-test-client".
	ClientID string
	// ClientSecret makes the app a confidential client when set, so the token
	// endpoint requires a matching client_secret. Default empty: a public
	// client, and any client_secret it sends is ignored.
	ClientSecret string
	// RedirectURIs are the registered redirect URIs, compared byte for byte
	// with the redirect_uri parameter. Each must be an absolute http or https
	// URL without a fragment whose host is localhost or a loopback IP.
	// Default ["http://localhost:5000/callback"].
	RedirectURIs []string
	// APIURL is the aud claim of the id_token and the base of the self URL in
	// REST responses, without a trailing slash. Its host must be localhost or
	// a loopback IP. Default: Server.URL, since the same server serves the
	// REST API.
	APIURL string
	// Subdomain is the PagerDuty account subdomain. Default "pdauth-test".
	Subdomain string
	// Region is the service region claim, "us" or "eu". Default "us".
	Region string
	// AccountID is the account_id claim. Default "PXACC01".
	AccountID string
	// User is the signed-in user. Each empty field takes its default from
	// DefaultUser.
	User User
	// AccessTokenLifetime is how long an access token stays valid, and
	// expires_in is its whole number of seconds. It must be at least one
	// second. Default one hour.
	AccessTokenLifetime time.Duration
	// CodeLifetime is how long an authorization code stays valid. Default 30
	// seconds.
	CodeLifetime time.Duration
	// Deny makes the authorization endpoint redirect valid requests with
	// error=access_denied, as when the user clicks Deny. Default false.
	Deny bool
	// Now is the clock for code and token expiry and for the iat and exp
	// claims. Default time.Now.
	Now func() time.Time
	// Logger receives a record for each request, each rejected request, and
	// the start and stop of the server. Default: a logger that discards
	// everything.
	Logger *slog.Logger
}

// Stats counts the requests a Server has received since Start, including
// rejected ones.
type Stats struct {
	// AuthorizeRequests counts requests to /oauth/authorize.
	AuthorizeRequests int
	// TokenRequests counts requests to /oauth/token.
	TokenRequests int
	// CodeExchanges counts token requests whose form body has
	// grant_type=authorization_code.
	CodeExchanges int
	// Refreshes counts token requests whose form body has
	// grant_type=refresh_token.
	Refreshes int
	// UsersMeRequests counts requests to /users/me.
	UsersMeRequests int
}

// Server is a running fake PagerDuty server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg        Config
	url        string
	apiURL     string
	signingKey []byte
	logger     *slog.Logger
	handler    http.Handler
	httpServer *http.Server
	serveDone  chan struct{}
	closeOnce  sync.Once

	mu            sync.Mutex
	stats         Stats
	nextGrantID   int
	codes         map[string]*codeGrant
	accessTokens  map[string]*accessToken
	refreshTokens map[string]*refreshToken
}

// Start checks cfg, fills its defaults, listens on cfg.Addr and serves in a
// background goroutine until Close. It returns an error for a non-loopback
// address, redirect URI or API URL, an unknown region, an access token
// lifetime under 1s, a negative code lifetime, or a failed listen.
func Start(cfg Config) (*Server, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}

	listener, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("pdtest: listen on %s: %w", cfg.Addr, err)
	}

	s := &Server{
		cfg:           cfg,
		url:           "http://" + listener.Addr().String(),
		apiURL:        cfg.APIURL,
		signingKey:    randomBytes(32),
		logger:        cfg.Logger,
		serveDone:     make(chan struct{}),
		codes:         make(map[string]*codeGrant),
		accessTokens:  make(map[string]*accessToken),
		refreshTokens: make(map[string]*refreshToken),
	}
	if s.apiURL == "" {
		s.apiURL = s.url
	}
	s.handler = s.newHandler()
	s.httpServer = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}

	go s.serve(listener)
	s.logger.Info("pdtest server started", "url", s.url, "client_id", cfg.ClientID)
	return s, nil
}

func (s *Server) serve(listener net.Listener) {
	defer close(s.serveDone)

	err := s.httpServer.Serve(listener)
	if !errors.Is(err, http.ErrServerClosed) {
		s.logger.Error("pdtest server stopped serving", "url", s.url, "error", err)
	}
}

// URL returns the base URL, "http://127.0.0.1:PORT" by default, without a
// trailing slash. It is the iss claim of every id_token.
func (s *Server) URL() string {
	return s.url
}

// Handler returns the handler that the server serves, so a test can wrap it
// or call it with httptest.NewRecorder. Responses still name Server.URL as
// the issuer and, by default, as the API base.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// Close stops the server. It waits up to 5 seconds for in-flight requests to
// finish, then closes their connections. Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()

		if err := s.httpServer.Shutdown(ctx); err != nil {
			s.logger.Warn("pdtest server shutdown timed out, closing connections", "url", s.url, "error", err)
			s.httpServer.Close()
		}
		<-s.serveDone
		s.logger.Info("pdtest server stopped", "url", s.url)
	})
}

// Stats returns a copy of the request counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ExpireAccessTokens marks every access token issued so far as expired, so
// GET /users/me rejects it with 401. Tokens issued later are not affected.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, token := range s.accessTokens {
		token.expired = true
	}
}

// RevokeRefreshTokens revokes every refresh token issued so far, so the
// refresh_token grant rejects them with invalid_grant. Tokens issued later
// are not affected.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refreshTokens)
}

func (s *Server) now() time.Time {
	return s.cfg.Now()
}

func (s *Server) updateStats(update func(stats *Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	update(&s.stats)
}

// randomBytes returns n bytes from crypto/rand, whose Read never returns an
// error as of Go 1.24.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// randomString returns 43 base64url characters that encode 256 random bits.
func randomString() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(32))
}
