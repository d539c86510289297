package cmd

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/pdtest"
	"github.com/pdauth/pdauth/internal/session"
)

// faultyIdentity puts a proxy in front of h's test server, so that token
// requests can be made to fail while everything else passes through. It
// points pdauth's login at the proxy and returns a function that sets the
// fault for every POST /oauth/token.
func faultyIdentity(t *testing.T, h *harness) (setFault func(http.HandlerFunc)) {
	t.Helper()
	target, _ := url.Parse(h.server.URL())
	forward := httputil.NewSingleHostReverseProxy(target)

	var mu sync.Mutex
	var fault http.HandlerFunc
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f := fault
		mu.Unlock()
		if f != nil && r.Method == http.MethodPost && r.URL.Path == "/oauth/token" {
			f(w, r)
			return
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	h.env["PDAUTH_OAUTH_URL"] = proxy.URL
	return func(f http.HandlerFunc) {
		mu.Lock()
		fault = f
		mu.Unlock()
	}
}

func TestRefreshFailuresKeepRecord(t *testing.T) {
	tests := []struct {
		name     string
		fault    http.HandlerFunc
		revoke   bool
		wantCode int
		wantErr  string
	}{
		{
			name:     "invalid_grant",
			revoke:   true,
			wantCode: 4,
			wantErr:  "invalid_grant",
		},
		{
			name: "500 HTML",
			fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte("<html><body><h1>Internal Server Error</h1></body></html>"))
			},
			wantCode: 1,
			wantErr:  "500 Internal Server Error: Internal Server Error",
		},
		{
			name: "slow past the client timeout",
			fault: func(w http.ResponseWriter, r *http.Request) {
				// Reading the body lets the server notice when the client
				// gives up, which ends the request's context.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			wantCode: 1,
			wantErr:  "Client.Timeout exceeded",
		},
		{
			name: "connection dropped",
			fault: func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
			},
			wantCode: 1,
			wantErr:  "could not refresh the access token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			setFault := faultyIdentity(t, h)
			h.login()
			expireStoredToken(t, h)
			before, _ := h.keyring.Get(credstore.Service, "default")

			setFault(tt.fault)
			if tt.revoke {
				h.server.RevokeRefreshTokens()
			}
			h.httpTimeout = 1500 * time.Millisecond

			code, stdout, stderr := h.run("token")
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if after, _ := h.keyring.Get(credstore.Service, "default"); after != before {
				t.Error("stored record changed by a failed refresh")
			}
		})
	}
}

func TestTokenConcurrentRefreshOnce(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	expireStoredToken(t, h)

	const callers = 50
	var wg sync.WaitGroup
	outputs := make([]string, callers)
	codes := make([]int, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], outputs[i], _ = h.run("token")
		}()
	}
	wg.Wait()

	if n := h.server.Stats().Refreshes; n != 1 {
		t.Errorf("refresh requests = %d, want 1", n)
	}
	saved, err := h.store().Load("default")
	if err != nil {
		t.Fatal(err)
	}
	for i := range callers {
		if codes[i] != 0 || outputs[i] != saved.AccessToken+"\n" {
			t.Errorf("caller %d: exit code %d, stdout %q; want 0 and the saved token", i, codes[i], outputs[i])
		}
	}
}

// TestTokenRefreshedByOtherProcess holds the profile's lock while the
// token command waits for it, and refreshes the token meanwhile, as another
// process would. The command must use that token and send no refresh of its
// own with the refresh token it read first.
func TestTokenRefreshedByOtherProcess(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	expireStoredToken(t, h)

	unlock, err := session.LockProfile(context.Background(), h.cacheDir, "default", 0)
	if err != nil {
		t.Fatal(err)
	}

	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := h.run("token")
		done <- result{code, stdout, stderr}
	}()
	time.Sleep(100 * time.Millisecond) // let the command read the record and wait for the lock

	other := &session.Source{
		Store:      h.store(),
		HTTPClient: http.DefaultClient,
		Now:        time.Now,
		LockDir:    t.TempDir(), // a lock of its own: the test already holds the real one
	}
	refreshed, err := other.Token(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	unlock()

	r := <-done
	if r.code != 0 || r.stdout != refreshed.AccessToken+"\n" {
		t.Errorf("token = %d, %q; want the token the other process refreshed; stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if n := h.server.Stats().Refreshes; n != 1 {
		t.Errorf("refresh requests = %d, want 1 (the other process's)", n)
	}
}
