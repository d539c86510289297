package loopback

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/pdauth/pdauth/internal/debuglog"
	"github.com/pdauth/pdauth/internal/termtext"
)

// AuthorizationError is an error response from the authorization server
// (RFC 6749 section 4.1.2.1), such as access_denied when the user declines.
type AuthorizationError struct {
	Code        string // the error parameter
	Description string // the error_description parameter; may be empty
}

func (e *AuthorizationError) Error() string {
	msg := "the authorization server returned " + printable(e.Code)
	if e.Description != "" {
		msg += ": " + printable(e.Description)
	}
	return msg
}

// ServeHTTP handles a request to the callback server. Only GET on the redirect path with the
// right state can end the wait; everything else gets an error page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case !s.hostAllowed(r.Host):
		writePage(w, http.StatusBadRequest, pageRejected, "The request named an unexpected host.")
		return
	case r.URL.Path != s.callbackPath():
		writePage(w, http.StatusNotFound, pageRejected, "Not found.")
		return
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		writePage(w, http.StatusMethodNotAllowed, pageRejected, "Only GET is accepted here.")
		return
	case isPrefetch(r):
		// A non-2xx response makes the browser discard the prefetch, so the
		// real navigation comes back and is the one that completes the login.
		writePage(w, http.StatusServiceUnavailable, pageRejected, "Prefetch requests are not served.")
		return
	case len(r.URL.RawQuery) > maxQueryLength:
		writePage(w, http.StatusRequestURITooLong, pageRejected, "The request is too long.")
		return
	}

	query := r.URL.Query()
	if !s.stateMatches(query.Get("state")) {
		writePage(w, http.StatusBadRequest, pageRejected,
			"This request does not belong to the login pdauth started: its state parameter does not match. pdauth is still waiting.")
		return
	}

	if !s.claim() {
		writePage(w, http.StatusOK, pageDone, "This login has already been completed. You can close this tab.")
		return
	}

	// The page goes out before the result, so that Close, which the waiting
	// side calls next, cannot cut it off.
	result := resultFromQuery(query.Get("code"), query.Get("error"), query.Get("error_description"))
	if result.err != nil {
		writePage(w, http.StatusBadRequest, pageFailed, result.err.Error())
	} else {
		writePage(w, http.StatusOK, pageDone, "pdauth received the authorization and finishes the login in the terminal. You can close this tab and go back to the terminal.")
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	s.result <- result
}

func resultFromQuery(code, errorCode, description string) callbackResult {
	switch {
	case errorCode != "":
		return callbackResult{err: &AuthorizationError{Code: errorCode, Description: description}}
	case code == "":
		return callbackResult{err: &AuthorizationError{Code: "invalid_response", Description: "the callback carried neither a code nor an error"}}
	default:
		return callbackResult{code: code}
	}
}

func (s *Server) callbackPath() string {
	if p := s.cfg.RedirectURI.Path; p != "" {
		return p
	}
	return "/"
}

// isPrefetch reports whether the browser is fetching the page speculatively
// rather than navigating to it.
func isPrefetch(r *http.Request) bool {
	purpose := r.Header.Get("Sec-Purpose") + r.Header.Get("Purpose") + r.Header.Get("X-Moz")
	return strings.Contains(strings.ToLower(purpose), "prefetch")
}

// printable makes text from the browser safe and short for the terminal.
func printable(s string) string {
	return termtext.Printable(termtext.Truncate(s, 300))
}

func pageTitle(kind pageKind) string {
	switch kind {
	case pageDone:
		return "pdauth: authorization received"
	case pageFailed:
		return "pdauth: login failed"
	default:
		return "pdauth: request rejected"
	}
}

func writePage(w http.ResponseWriter, status int, kind pageKind, message string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	// An error here is a failed write to the browser, and the status line
	// is already sent, so there is nothing left to report it to.
	_ = renderPage(w, pageTitle(kind), message)
}

// statusRecorder remembers the status a handler writes.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// logRequests wraps next so that each request is logged to out after it is
// served.
func logRequests(next http.Handler, out io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		fmt.Fprintf(out, "debug: callback server: %s %s (Host %s) -> %d\n", r.Method, debuglog.URL(r.URL), printable(r.Host), rec.status)
	})
}
