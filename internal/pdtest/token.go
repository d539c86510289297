package pdtest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"
)

// maxTokenFormBytes limits the body of a token request. Real requests are
// well under 1 KiB.
const maxTokenFormBytes = 64 << 10

// Prefixes of the tokens that PagerDuty issues to user OAuth apps.
const (
	accessTokenPrefix  = "pdus+_0"
	refreshTokenPrefix = "pdus+_1"
)

type accessToken struct {
	grantID   int
	expiresAt time.Time
	expired   bool // set by ExpireAccessTokens
}

type refreshToken struct {
	grantID int
	scope   string
}

// oauthError is an RFC 6749 section 5.2 error response.
type oauthError struct {
	status      int
	code        string
	description string
}

func invalidRequest(description string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_request", description}
}

func invalidClient(description string) *oauthError {
	return &oauthError{http.StatusUnauthorized, "invalid_client", description}
}

func invalidGrant(description string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_grant", description}
}

// tokenResponse is the RFC 6749 section 5.1 success body with the fields
// PagerDuty adds.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token"`
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.updateStats(func(stats *Stats) { stats.TokenRequests++ })

	form, oauthErr := readTokenForm(w, r)
	if oauthErr != nil {
		s.writeOAuthError(w, oauthErr)
		return
	}

	grantType := form.Get("grant_type")
	s.updateStats(func(stats *Stats) {
		switch grantType {
		case "authorization_code":
			stats.CodeExchanges++
		case "refresh_token":
			stats.Refreshes++
		}
	})

	repeated := repeatedParam(form)
	var response *tokenResponse
	switch {
	case repeated != "":
		oauthErr = invalidRequest(repeated + " is repeated")
	case grantType == "authorization_code":
		response, oauthErr = s.exchangeCode(r, form)
	case grantType == "refresh_token":
		response, oauthErr = s.refresh(r, form)
	case grantType == "":
		oauthErr = invalidRequest("grant_type is missing")
	default:
		oauthErr = &oauthError{http.StatusBadRequest, "unsupported_grant_type",
			`grant_type must be "authorization_code" or "refresh_token"`}
	}
	if oauthErr != nil {
		s.writeOAuthError(w, oauthErr)
		return
	}
	writeJSON(w, http.StatusOK, response)
}

// readTokenForm reads the form body of a token request. It accepts only POST
// with a form-encoded body, as RFC 6749 section 4.1.3 requires, and rejects a
// URL query, which proxies and access logs would record with any code or
// secret in it.
func readTokenForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthError) {
	if r.Method != http.MethodPost {
		return nil, &oauthError{http.StatusMethodNotAllowed, "invalid_request", "the token endpoint accepts only POST"}
	}

	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/x-www-form-urlencoded" {
		return nil, invalidRequest("Content-Type must be application/x-www-form-urlencoded")
	}
	if r.URL.RawQuery != "" {
		return nil, invalidRequest("parameters must be sent in the request body, not in the URL query")
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTokenFormBytes))
	if err != nil {
		return nil, invalidRequest("the request body is unreadable or larger than 64 KiB")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, invalidRequest("the request body is not valid form encoding")
	}
	return form, nil
}

// repeatedParam returns the name of a parameter that appears more than once,
// or "" if there is none. RFC 6749 section 3.2 forbids repeated parameters.
func repeatedParam(form url.Values) string {
	for name, values := range form {
		if len(values) > 1 {
			return name
		}
	}
	return ""
}

// authenticateClient checks client_id and, for a confidential client,
// client_secret. Both must be form parameters.
func (s *Server) authenticateClient(r *http.Request, form url.Values) *oauthError {
	if r.Header.Get("Authorization") != "" {
		return invalidClient("the Authorization header is not supported on this endpoint, so send client_id and client_secret as form parameters")
	}

	clientID := form.Get("client_id")
	if clientID == "" {
		return invalidClient("client_id is missing")
	}
	if clientID != s.cfg.ClientID {
		return invalidClient("client_id does not name a registered app")
	}
	if s.cfg.ClientSecret == "" {
		return nil
	}

	secret := form.Get("client_secret")
	if secret == "" {
		return invalidClient("client_secret is missing, and this app is a confidential client that requires it")
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ClientSecret)) != 1 {
		return invalidClient("client_secret is invalid")
	}
	return nil
}

func (s *Server) exchangeCode(r *http.Request, form url.Values) (*tokenResponse, *oauthError) {
	if oauthErr := s.authenticateClient(r, form); oauthErr != nil {
		return nil, oauthErr
	}
	for _, name := range []string{"code", "redirect_uri", "code_verifier"} {
		if form.Get(name) == "" {
			return nil, invalidRequest(name + " is missing")
		}
	}
	verifier := form.Get("code_verifier")
	if !isValidVerifier(verifier) {
		return nil, invalidRequest("code_verifier must be 43 to 128 characters from A-Z, a-z, 0-9, '-', '.', '_' and '~'")
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	grant, oauthErr := s.redeemCodeLocked(form.Get("code"), form.Get("redirect_uri"), verifier)
	if oauthErr != nil {
		return nil, oauthErr
	}
	return s.issueTokensLocked(grant.grantID, grant.scope), nil
}

// redeemCodeLocked marks a known code as used and then checks it against the
// authorization request, so a failed check uses the code up too. The caller
// must hold s.mu.
func (s *Server) redeemCodeLocked(code, redirectURI, verifier string) (*codeGrant, *oauthError) {
	grant := s.codes[code]
	if grant == nil {
		return nil, invalidGrant("the authorization code is invalid")
	}
	if grant.used {
		// RFC 6749 section 4.1.2: on reuse the server should revoke the
		// tokens issued for the code, since the code may have leaked.
		s.revokeGrantLocked(grant.grantID)
		return nil, invalidGrant("the authorization code was already used, so the tokens issued for it are revoked")
	}
	grant.used = true

	if !s.now().Before(grant.expiresAt) {
		return nil, invalidGrant("the authorization code expired")
	}
	if redirectURI != grant.redirectURI {
		return nil, invalidGrant("redirect_uri does not match the one in the authorization request")
	}
	if subtle.ConstantTimeCompare([]byte(s256Challenge(verifier)), []byte(grant.codeChallenge)) != 1 {
		return nil, invalidGrant("code_verifier does not match the code_challenge")
	}
	return grant, nil
}

func (s *Server) refresh(r *http.Request, form url.Values) (*tokenResponse, *oauthError) {
	if oauthErr := s.authenticateClient(r, form); oauthErr != nil {
		return nil, oauthErr
	}
	token := form.Get("refresh_token")
	if token == "" {
		return nil, invalidRequest("refresh_token is missing")
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	old := s.refreshTokens[token]
	if old == nil {
		return nil, invalidGrant("the refresh token is invalid, already rotated or revoked")
	}
	if scope := form.Get("scope"); scope != "" && scope != old.scope && scope != "openid "+old.scope {
		return nil, &oauthError{http.StatusBadRequest, "invalid_scope", "scope must be omitted or equal the granted scope"}
	}

	delete(s.refreshTokens, token)
	return s.issueTokensLocked(old.grantID, old.scope), nil
}

// issueTokensLocked stores a new access and refresh token for the grant.
// The caller must hold s.mu.
func (s *Server) issueTokensLocked(grantID int, scope string) *tokenResponse {
	issuedAt := s.now()
	access := accessTokenPrefix + randomString()
	refresh := refreshTokenPrefix + randomString()

	s.accessTokens[access] = &accessToken{grantID: grantID, expiresAt: issuedAt.Add(s.cfg.AccessTokenLifetime)}
	s.refreshTokens[refresh] = &refreshToken{grantID: grantID, scope: scope}

	return &tokenResponse{
		AccessToken:  access,
		TokenType:    "bearer",
		ExpiresIn:    int64(s.cfg.AccessTokenLifetime / time.Second),
		RefreshToken: refresh,
		Scope:        "openid " + scope,
		IDToken:      s.signIDToken(issuedAt),
	}
}

// revokeGrantLocked deletes every token issued from one authorization code.
// The caller must hold s.mu.
func (s *Server) revokeGrantLocked(grantID int) {
	for token, access := range s.accessTokens {
		if access.grantID == grantID {
			delete(s.accessTokens, token)
		}
	}
	for token, refresh := range s.refreshTokens {
		if refresh.grantID == grantID {
			delete(s.refreshTokens, token)
		}
	}
}

func (s *Server) writeOAuthError(w http.ResponseWriter, oauthErr *oauthError) {
	s.logger.Info("token request rejected", "status", oauthErr.status,
		"error", oauthErr.code, "error_description", oauthErr.description)

	if oauthErr.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	writeJSON(w, oauthErr.status, map[string]string{
		"error":             oauthErr.code,
		"error_description": oauthErr.description,
	})
}

// s256Challenge returns the PKCE S256 code challenge for verifier:
// base64url without padding of its SHA-256 hash (RFC 7636 section 4.2).
func s256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// isValidVerifier reports whether verifier has the RFC 7636 section 4.1
// form: 43 to 128 characters from A-Z, a-z, 0-9, '-', '.', '_' and '~'.
func isValidVerifier(verifier string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, c := range []byte(verifier) {
		if !isBase64URLChar(c) && c != '.' && c != '~' {
			return false
		}
	}
	return true
}
