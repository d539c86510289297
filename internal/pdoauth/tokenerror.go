package pdoauth

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/oauth2"

	"github.com/pdauth/pdauth/internal/termtext"
)

// maxExcerpt is the longest part of a non-OAuth error body that
// DescribeTokenError quotes, in bytes.
const maxExcerpt = 200

// TokenError is a failed request to the token endpoint. Its message carries
// the HTTP status and the OAuth error, never the request's secrets.
type TokenError struct {
	Status      string // HTTP status line, e.g. "400 Bad Request"; empty when no response arrived
	ErrorCode   string // OAuth error, e.g. "invalid_grant"; empty when the body had none
	Description string // OAuth error_description, or an excerpt of a non-OAuth body
	Err         error  // the underlying error
}

func (e *TokenError) Error() string {
	if e.Status == "" {
		return e.Description
	}
	msg := "the token endpoint returned " + e.Status
	if e.ErrorCode != "" {
		msg += ": " + e.ErrorCode
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

func (e *TokenError) Unwrap() error { return e.Err }

// Rejected reports whether the authorization server responded and
// rejected the request with an OAuth error, as it does for an expired or
// revoked refresh token (invalid_grant). Such a request cannot succeed by
// being repeated.
func (e *TokenError) Rejected() bool {
	return e.ErrorCode != "" && e.Status != "" && !strings.HasPrefix(e.Status, "5")
}

var (
	htmlTag    = regexp.MustCompile(`<[^>]*>`)
	whitespace = regexp.MustCompile(`\s+`)
)

// DescribeTokenError turns an error from x/oauth2's Exchange or refresh into
// a *TokenError. Each of secrets (the code, verifier, refresh token, client
// secret) is replaced by a marker wherever it appears in the quoted body.
func DescribeTokenError(err error, secrets ...string) *TokenError {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return &TokenError{Description: redact(err.Error(), secrets), Err: err}
	}

	te := &TokenError{
		Status:      redact(re.Response.Status, secrets),
		ErrorCode:   redact(re.ErrorCode, secrets),
		Description: redact(re.ErrorDescription, secrets),
		Err:         err,
	}
	if te.ErrorCode == "" {
		te.Description = redact(excerpt(re.Body), secrets)
	}
	return te
}

// excerpt returns the start of a response body as one line of text, with
// HTML tags removed.
func excerpt(body []byte) string {
	text := htmlTag.ReplaceAllString(string(body), " ")
	text = strings.TrimSpace(whitespace.ReplaceAllString(text, " "))
	return termtext.Truncate(text, maxExcerpt)
}

// redact replaces each secret in s, raw or URL-encoded, by a marker, and
// control characters by "?", so that text from a server can neither leak a
// secret nor rewrite the terminal.
func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		// A body that echoes the request shows the secret form-encoded,
		// as "pdus%2B_1..." for a PagerDuty refresh token.
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			s = strings.ReplaceAll(s, form, "[redacted]")
		}
	}
	return termtext.Printable(s)
}
