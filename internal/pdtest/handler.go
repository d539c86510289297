package pdtest

import (
	"encoding/json"
	"net/http"
	"time"
)

func (s *Server) newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/authorize", s.handleAuthorize)
	mux.HandleFunc("/oauth/token", s.handleToken)
	mux.HandleFunc("/users/me", s.handleUsersMe)
	mux.HandleFunc("/", handleNotFound)
	return s.logRequests(mux)
}

// statusRecorder captures the status code that a handler writes.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// logRequests logs one record per request. It logs only the method, the path
// and the status, because query strings and headers carry codes and tokens.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(recorder, r)

		s.logger.Info("request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", recorder.status,
			"duration", time.Since(start))
	})
}

// writeJSON writes body as JSON with the given status. Every response of this
// server may carry a credential or a user profile, so none may be cached.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)

	// An encoding error can only come from a failed write to a client that has
	// gone away, so the error is dropped.
	_ = json.NewEncoder(w).Encode(body)
}

// restError is the PagerDuty REST API error body.
type restError struct {
	Error restErrorDetail `json:"error"`
}

type restErrorDetail struct {
	Message string   `json:"message"`
	Code    int      `json:"code"`
	Errors  []string `json:"errors"`
}

// PagerDuty REST error codes that this server returns.
// NOTE: these codes are not checked against the real API, which may return
// other codes in the same cases.
const (
	restCodeInvalidInput = 2001
	restCodeUnauthorized = 2006
	restCodeNotFound     = 2100
)

func writeRESTError(w http.ResponseWriter, status int, message string, code int, details ...string) {
	if details == nil {
		details = []string{}
	}
	writeJSON(w, status, restError{Error: restErrorDetail{Message: message, Code: code, Errors: details}})
}

func handleNotFound(w http.ResponseWriter, r *http.Request) {
	writeRESTError(w, http.StatusNotFound, "Not Found", restCodeNotFound, "no route for "+r.Method+" "+r.URL.Path)
}
