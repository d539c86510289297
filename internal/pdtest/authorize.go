package pdtest

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// codeGrant is an issued authorization code and the request it was issued
// for.
type codeGrant struct {
	grantID       int
	redirectURI   string
	scope         string
	codeChallenge string
	expiresAt     time.Time
	used          bool
}

// authorizeError is an error that the authorization endpoint sends back to
// the client through the redirect URI.
type authorizeError struct {
	code        string
	description string
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	s.updateStats(func(stats *Stats) { stats.AuthorizeRequests++ })

	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		s.writeAuthorizePage(w, http.StatusMethodNotAllowed, "The authorization endpoint accepts only GET.")
		return
	}

	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.writeAuthorizePage(w, http.StatusBadRequest, "The query string is not valid URL encoding.")
		return
	}

	redirectURI, message := s.checkClient(query)
	if message != "" {
		s.writeAuthorizePage(w, http.StatusBadRequest, message)
		return
	}

	state, stateErr := singleValue(query, "state")
	if stateErr != nil {
		state = ""
	}
	scope, authErr := s.checkAuthorizeParams(query)
	if authErr != nil {
		s.redirectAuthorizeError(w, r, redirectURI, state, authErr)
		return
	}

	code := randomString()
	s.mu.Lock()
	s.nextGrantID++
	s.codes[code] = &codeGrant{
		grantID:       s.nextGrantID,
		redirectURI:   redirectURI,
		scope:         scope,
		codeChallenge: query.Get("code_challenge"),
		expiresAt:     s.now().Add(s.cfg.CodeLifetime),
	}
	s.mu.Unlock()

	redirect(w, r, redirectURI, url.Values{"code": {code}, "state": {state}})
}

// checkClient checks client_id and redirect_uri, which must be valid before
// the server may redirect at all. It returns the redirect URI, or a message
// for the error page.
func (s *Server) checkClient(query url.Values) (redirectURI, message string) {
	clientID, err := singleValue(query, "client_id")
	if err != nil {
		return "", "The client_id parameter is " + err.Error() + "."
	}
	if clientID != s.cfg.ClientID {
		return "", "The client_id parameter does not name a registered app."
	}

	redirectURI, err = singleValue(query, "redirect_uri")
	if err != nil {
		return "", "The redirect_uri parameter is " + err.Error() + "."
	}
	if !slices.Contains(s.cfg.RedirectURIs, redirectURI) {
		return "", "The redirect_uri parameter does not exactly match a redirect URI registered for this app."
	}
	return redirectURI, ""
}

// checkAuthorizeParams checks the parameters that are reported through the
// redirect URI and returns the requested scope.
func (s *Server) checkAuthorizeParams(query url.Values) (string, *authorizeError) {
	if _, err := singleValue(query, "state"); err != nil {
		return "", &authorizeError{"invalid_request", "state is " + err.Error()}
	}
	for name, values := range query {
		if len(values) > 1 {
			return "", &authorizeError{"invalid_request", name + " is repeated"}
		}
	}

	responseType := query.Get("response_type")
	switch {
	case responseType == "":
		return "", &authorizeError{"invalid_request", "response_type is missing"}
	case responseType != "code":
		return "", &authorizeError{"unsupported_response_type", `response_type must be "code"`}
	}

	scope := query.Get("scope")
	switch {
	case scope == "":
		return "", &authorizeError{"invalid_request", "scope is missing"}
	case scope != "read" && scope != "write":
		return "", &authorizeError{"invalid_scope", `scope must be "read" or "write"`}
	}

	if method := query.Get("code_challenge_method"); method != "S256" {
		return "", &authorizeError{"invalid_request", `code_challenge_method must be "S256"`}
	}
	if !isValidChallenge(query.Get("code_challenge")) {
		return "", &authorizeError{"invalid_request", "code_challenge must be 43 base64url characters (the S256 hash of the code_verifier)"}
	}

	if s.cfg.Deny {
		return "", &authorizeError{"access_denied", "the user denied the authorization request"}
	}
	return scope, nil
}

func (s *Server) redirectAuthorizeError(w http.ResponseWriter, r *http.Request, redirectURI, state string, authErr *authorizeError) {
	s.logger.Info("authorization request rejected", "error", authErr.code, "error_description", authErr.description)

	params := url.Values{"error": {authErr.code}, "error_description": {authErr.description}}
	if state != "" {
		params.Set("state", state)
	}
	redirect(w, r, redirectURI, params)
}

// redirect sends a 302 to redirectURI with params added to its query. The
// registered redirect URIs were parsed in Start, so parsing cannot fail.
func redirect(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	target, _ := url.Parse(redirectURI)
	query := target.Query()
	for name, values := range params {
		query[name] = values
	}
	target.RawQuery = query.Encode()

	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// writeAuthorizePage shows an error to the user instead of redirecting, as
// RFC 6749 section 4.1.2.1 requires when the client or redirect URI is
// invalid.
func (s *Server) writeAuthorizePage(w http.ResponseWriter, status int, message string) {
	s.logger.Info("authorization request rejected without redirect", "status", status, "reason", message)

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<title>Invalid authorization request</title>\n"+
		"<h1>Invalid authorization request</h1>\n<p>%s</p>\n", html.EscapeString(message))
}

// errMissing and errRepeated complete sentences such as "state is missing".
var (
	errMissing  = errors.New("missing")
	errRepeated = errors.New("repeated")
)

// singleValue returns the only value of the named parameter. It returns
// errMissing for an absent or empty parameter and errRepeated for one that
// appears more than once, which RFC 6749 section 3.1 forbids.
func singleValue(params url.Values, name string) (string, error) {
	values := params[name]
	switch {
	case len(values) > 1:
		return "", errRepeated
	case len(values) == 0 || values[0] == "":
		return "", errMissing
	}
	return values[0], nil
}

// isValidChallenge reports whether challenge has the form of an S256 code
// challenge: base64url without padding of a SHA-256 hash, 43 characters.
func isValidChallenge(challenge string) bool {
	if len(challenge) != 43 {
		return false
	}
	for _, c := range []byte(challenge) {
		if !isBase64URLChar(c) {
			return false
		}
	}
	return true
}

func isBase64URLChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
