package pdtest_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

const testState = "state-7f3a"

// startTime is the start of the fake clock. Any fixed instant works.
var startTime = time.Date(2025, time.March, 4, 5, 6, 7, 0, time.UTC)

// fakeClock is a manually advanced clock for Config.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is a started server with a fake clock and an HTTP client that does
// not follow redirects and never uses a proxy.
type harness struct {
	t      *testing.T
	server *pdtest.Server
	clock  *fakeClock
	client *http.Client
	cfg    pdtest.Config
}

func newHarness(t *testing.T, cfg pdtest.Config) *harness {
	t.Helper()

	clock := &fakeClock{now: startTime}
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	server, err := pdtest.Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(server.Close)

	transport := &http.Transport{Proxy: nil}
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{
		Transport: transport,
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return &harness{t: t, server: server, clock: clock, client: client, cfg: cfg}
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (h *harness) do(req *http.Request) response {
	h.t.Helper()

	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read body of %s %s: %v", req.Method, req.URL.Path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func (h *harness) newRequest(method, path string, body io.Reader) *http.Request {
	h.t.Helper()

	req, err := http.NewRequest(method, h.server.URL()+path, body)
	if err != nil {
		h.t.Fatalf("new request: %v", err)
	}
	return req
}

// newPKCE returns a random code verifier and its S256 challenge.
func newPKCE() (verifier, challenge string) {
	random := make([]byte, 32)
	rand.Read(random)
	verifier = base64.RawURLEncoding.EncodeToString(random)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeParams returns a valid authorization request for the default
// client and redirect URI.
func authorizeParams(challenge string) url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {pdtest.DefaultClientID},
		"redirect_uri":          {pdtest.DefaultRedirectURI},
		"state":                 {testState},
		"scope":                 {"read"},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
}

func (h *harness) getAuthorize(params url.Values) response {
	h.t.Helper()
	return h.do(h.newRequest(http.MethodGet, "/oauth/authorize?"+params.Encode(), nil))
}

// authorize runs an approved authorization request with the given scope and
// returns the code and the verifier that belongs to it.
func (h *harness) authorize(scope string) (code, verifier string) {
	h.t.Helper()

	verifier, challenge := newPKCE()
	params := authorizeParams(challenge)
	params.Set("scope", scope)
	if len(h.cfg.RedirectURIs) > 0 {
		params.Set("redirect_uri", h.cfg.RedirectURIs[0])
	}
	if h.cfg.ClientID != "" {
		params.Set("client_id", h.cfg.ClientID)
	}

	resp := h.getAuthorize(params)
	if resp.status != http.StatusFound {
		h.t.Fatalf("authorize status = %d, want 302; body %s", resp.status, resp.body)
	}
	code = redirectQuery(h.t, resp).Get("code")
	if code == "" {
		h.t.Fatalf("authorize redirect %q has no code", resp.header.Get("Location"))
	}
	return code, verifier
}

func redirectQuery(t *testing.T, resp response) url.Values {
	t.Helper()

	location, err := url.Parse(resp.header.Get("Location"))
	if err != nil {
		t.Fatalf("parse Location %q: %v", resp.header.Get("Location"), err)
	}
	return location.Query()
}

// exchangeForm returns a valid authorization_code token request.
func (h *harness) exchangeForm(code, verifier string) url.Values {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {pdtest.DefaultClientID},
		"code":          {code},
		"redirect_uri":  {pdtest.DefaultRedirectURI},
		"code_verifier": {verifier},
	}
	if len(h.cfg.RedirectURIs) > 0 {
		form.Set("redirect_uri", h.cfg.RedirectURIs[0])
	}
	if h.cfg.ClientID != "" {
		form.Set("client_id", h.cfg.ClientID)
	}
	if h.cfg.ClientSecret != "" {
		form.Set("client_secret", h.cfg.ClientSecret)
	}
	return form
}

func (h *harness) refreshForm(refreshToken string) url.Values {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {pdtest.DefaultClientID},
		"refresh_token": {refreshToken},
	}
	if h.cfg.ClientID != "" {
		form.Set("client_id", h.cfg.ClientID)
	}
	if h.cfg.ClientSecret != "" {
		form.Set("client_secret", h.cfg.ClientSecret)
	}
	return form
}

func (h *harness) postToken(form url.Values) response {
	h.t.Helper()

	req := h.newRequest(http.MethodPost, "/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return h.do(req)
}

// tokenBody is the success body of the token endpoint.
type tokenBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token"`
}

func decodeTokenBody(t *testing.T, resp response) tokenBody {
	t.Helper()

	if resp.status != http.StatusOK {
		t.Fatalf("token status = %d, want 200; body %s", resp.status, resp.body)
	}
	var body tokenBody
	if err := json.Unmarshal(resp.body, &body); err != nil {
		t.Fatalf("decode token body %s: %v", resp.body, err)
	}
	return body
}

// login runs the authorization and the code exchange with scope "read".
func (h *harness) login() tokenBody {
	h.t.Helper()

	code, verifier := h.authorize("read")
	return decodeTokenBody(h.t, h.postToken(h.exchangeForm(code, verifier)))
}

// wantOAuthError checks an RFC 6749 error response.
func wantOAuthError(t *testing.T, resp response, wantStatus int, wantCode string) {
	t.Helper()

	if resp.status != wantStatus {
		t.Errorf("status = %d, want %d; body %s", resp.status, wantStatus, resp.body)
	}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil {
		t.Fatalf("decode error body %s: %v", resp.body, err)
	}
	if body.Error != wantCode {
		t.Errorf("error = %q, want %q; description %q", body.Error, wantCode, body.Description)
	}
	if body.Description == "" {
		t.Error("error_description is empty")
	}
	if got := resp.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func (h *harness) getUsersMe(authorization, accept string) response {
	h.t.Helper()

	req := h.newRequest(http.MethodGet, "/users/me", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return h.do(req)
}
