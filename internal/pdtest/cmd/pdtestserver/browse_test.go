package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// newRedirectServer serves /ok with 200, /missing with 404, /loop as an
// endless redirect, and /to?target=URL as a 302 to URL.
func newRedirectServer(t *testing.T) *httptest.Server {
	t.Helper()

	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/to", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("target"), http.StatusFound)
	})
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	return server
}

func redirectTo(server *httptest.Server, target string) string {
	return server.URL + "/to?target=" + url.QueryEscape(target)
}

func TestBrowse(t *testing.T) {
	server := newRedirectServer(t)
	localhostURL := strings.Replace(server.URL, "127.0.0.1", "localhost", 1)
	tests := []struct {
		name        string
		args        []string
		wantCode    int
		wantStderr  string
		forbidInLog string
	}{
		{"direct 200", []string{server.URL + "/ok"}, 0, "final status 200", ""},
		{"redirect to 200", []string{redirectTo(server, server.URL+"/ok")}, 0, "final status 200", ""},
		{"redirect to localhost", []string{redirectTo(server, localhostURL+"/ok")}, 0, "final status 200", ""},
		{"final 404", []string{server.URL + "/missing"}, 1, "final status 404", ""},
		{"redirect loop", []string{server.URL + "/loop"}, 1, "stopped after 10 redirects", ""},
		{"redirect off loopback", []string{redirectTo(server, "http://example.invalid/cb")}, 1, "must be localhost or a loopback IP", ""},
		{"redirect to file", []string{redirectTo(server, "file:///etc/passwd")}, 1, "only http and https", ""},
		{"non-loopback start", []string{"http://example.invalid/"}, 2, "must be localhost or a loopback IP", ""},
		{"missing URL", nil, 2, "usage", ""},
		{"two URLs", []string{server.URL, server.URL}, 2, "usage", ""},
		{"query not printed", []string{redirectTo(server, server.URL+"/ok?code=secret-code-value")}, 0, "/ok: 200 OK", "secret-code-value"},
		{"query not printed on error", []string{redirectTo(server, "http://127.0.0.1:1/cb?code=secret-code-value")}, 1, "Get http://127.0.0.1:1/cb:", "secret-code-value"},
		{"query not printed on rejection", []string{redirectTo(server, "http://example.invalid/cb?code=secret-code-value")}, 1, "rejected http://example.invalid/cb:", "secret-code-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr pdtest.SyncBuffer

			code := run(context.Background(), append([]string{"browse"}, tt.args...), &stdout, &stderr)

			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr %s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantStderr)
			}
			if tt.forbidInLog != "" && strings.Contains(stderr.String(), tt.forbidInLog) {
				t.Errorf("stderr %q contains %q", stderr.String(), tt.forbidInLog)
			}
			if stdout.String() != "" {
				t.Errorf("stdout = %q, want empty", stdout.String())
			}
		})
	}
}

func TestBrowseCompletesLogin(t *testing.T) {
	var callbackCode atomic.Value
	callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		callbackCode.Store(r.URL.Query().Get("code"))
	}))
	t.Cleanup(callback.Close)
	server, err := pdtest.Start(pdtest.Config{RedirectURIs: []string{callback.URL + "/callback"}})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(server.Close)
	authorizeURL := server.URL() + "/oauth/authorize?" + url.Values{
		"response_type":         {"code"},
		"client_id":             {pdtest.DefaultClientID},
		"redirect_uri":          {callback.URL + "/callback"},
		"state":                 {"s"},
		"scope":                 {"read"},
		"code_challenge":        {strings.Repeat("A", 43)},
		"code_challenge_method": {"S256"},
	}.Encode()
	var stdout, stderr pdtest.SyncBuffer

	code := run(context.Background(), []string{"browse", authorizeURL}, &stdout, &stderr)

	if code != 0 {
		t.Errorf("exit code = %d, want 0; stderr %s", code, stderr.String())
	}
	got, _ := callbackCode.Load().(string)
	if got == "" {
		t.Fatal("callback received no code")
	}
	if strings.Contains(stderr.String(), got) {
		t.Errorf("stderr %q contains the authorization code", stderr.String())
	}
}
