package cmd

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestLoginTokenEndpointFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   http.HandlerFunc
		wantErr string
	}{
		{
			name: "HTML 502",
			fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte("<html><head><title>502</title></head><body><h1>Bad Gateway</h1></body></html>"))
			},
			wantErr: "the token endpoint returned 502 Bad Gateway: 502 Bad Gateway",
		},
		{
			name: "200 with an error body",
			fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"The code has expired"}`))
			},
			wantErr: "200 OK: invalid_grant: The code has expired",
		},
		{
			name: "invalid JSON",
			fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"access_token": `))
			},
			wantErr: "cannot parse json",
		},
		{
			name: "no access_token",
			fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"token_type":"bearer","expires_in":3600}`))
			},
			wantErr: "missing access_token",
		},
		{
			name: "hanging",
			fault: func(w http.ResponseWriter, r *http.Request) {
				// Reading the body lets the server notice when the client
				// gives up, which ends the request's context.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			wantErr: "Client.Timeout exceeded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			setFault := faultyIdentity(t, h)
			var mu sync.Mutex
			posts := 0
			setFault(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				posts++
				mu.Unlock()
				tt.fault(w, r)
			})
			h.httpTimeout = 1500 * time.Millisecond

			code, stdout, stderr := h.run("login")
			if code != 1 {
				t.Errorf("exit code = %d, want 1", code)
			}
			if !strings.Contains(stderr, "could not exchange the authorization code for a token: "+tt.wantErr) &&
				!strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			mu.Lock()
			defer mu.Unlock()
			if posts != 1 {
				t.Errorf("token POSTs = %d, want exactly 1 (the code is single-use)", posts)
			}
			if _, err := h.store().Load("default"); !errors.Is(err, credstore.ErrNotFound) {
				t.Errorf("a record was saved after a failed exchange: %v", err)
			}
			assertPortFree(t, h.redirect)
		})
	}
}

func TestLoginPortHeld(t *testing.T) {
	tests := []struct {
		name    string
		address string // where another program listens; PORT is replaced
		want    string
	}{
		{name: "127.0.0.1 only", address: "127.0.0.1:PORT", want: "127.0.0.1:PORT"},
		{name: "::1 only", address: "[::1]:PORT", want: "[::1]:PORT"},
		{name: "wildcard", address: ":PORT", want: "127.0.0.1:PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			u, _ := url.Parse(h.redirect)
			holder, err := net.Listen("tcp", strings.ReplaceAll(tt.address, "PORT", u.Port()))
			if err != nil {
				t.Skipf("cannot listen on %s on this machine: %v", tt.address, err)
			}
			defer holder.Close()

			code, _, stderr := h.run("login")
			want := "could not listen on " + strings.ReplaceAll(tt.want, "PORT", u.Port()) + ": the port is already in use"
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("exit code = %d, want 1 with %q; stderr:\n%s", code, want, stderr)
			}
			if len(h.browserOpened()) != 0 {
				t.Error("browser opened although the port was taken")
			}
		})
	}
}

// TestDebugTraceLeaksNoSecret runs every command with --debug against a
// confidential client and checks that no secret value reaches stderr, and
// that stdout carries the token only for pdauth token.
func TestDebugTraceLeaksNoSecret(t *testing.T) {
	const clientSecret = "client-secret-value-0123456789"
	h := newHarness(t, pdtest.Config{ClientSecret: clientSecret})
	h.env["PDAUTH_CLIENT_SECRET"] = clientSecret
	setFault := faultyIdentity(t, h)

	// Record the form of each token request, to learn the code and
	// verifier, then pass it on unchanged.
	var mu sync.Mutex
	var forms []url.Values
	target, _ := url.Parse(h.server.URL())
	setFault(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		forms = append(forms, r.PostForm)
		mu.Unlock()
		r.Body = http.NoBody
		proxyForm(w, r, target)
	})

	var stderrAll strings.Builder
	run := func(args ...string) string {
		code, stdout, stderr := h.run(append(args, "--debug")...)
		if code != 0 {
			t.Fatalf("%v exit code = %d, stderr:\n%s", args, code, stderr)
		}
		if !strings.HasPrefix(stderr, "debug: this is a debug trace") {
			t.Errorf("%v: the trace does not start with the warning line:\n%s", args, stderr)
		}
		stderrAll.WriteString(stderr)
		return stdout
	}
	run("login")
	expireStoredToken(t, h) // so that token refreshes, and the refresh is traced too
	tokenOut := run("token")
	whoamiOut := run("whoami")
	statusOut := run("status")

	record, err := h.store().Load("default")
	if err != nil {
		t.Fatal(err)
	}
	state := url.Values{}
	if opened := h.browserOpened(); len(opened) == 1 {
		u, _ := url.Parse(opened[0])
		state = u.Query()
	}
	secrets := map[string]string{
		"access token":  record.AccessToken,
		"refresh token": record.RefreshToken,
		"client secret": clientSecret,
	}
	for i, form := range forms {
		for _, key := range []string{"code", "code_verifier", "refresh_token"} {
			if v := form.Get(key); v != "" {
				secrets[fmt.Sprintf("%s of token request %d", key, i+1)] = v
			}
		}
	}

	stderr := stderrAll.String()
	for name, value := range secrets {
		if strings.Contains(stderr, value) {
			t.Errorf("stderr contains the %s", name)
		}
		if strings.Contains(whoamiOut+statusOut, value) {
			t.Errorf("whoami or status stdout contains the %s", name)
		}
	}
	if s := state.Get("state"); s == "" || strings.Count(stderr, s) != 1 {
		t.Errorf("state appears %d times in stderr, want once: in the authorization URL the user must open", strings.Count(stderr, s))
	}
	if tokenOut != record.AccessToken+"\n" {
		t.Errorf("token stdout = %q, want the access token alone", tokenOut)
	}
	if len(forms) != 2 {
		t.Errorf("token requests = %d, want 2 (exchange and refresh)", len(forms))
	}
}

// proxyForm sends the already parsed form of r to target and copies the
// response back.
func proxyForm(w http.ResponseWriter, r *http.Request, target *url.URL) {
	resp, err := http.PostForm(target.String()+r.URL.Path, r.PostForm)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	buf := make([]byte, 32<<10)
	n, _ := resp.Body.Read(buf)
	_, _ = w.Write(buf[:n])
}

func TestWhoamiAPIFaults(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		body         string
		headers      map[string]string
		wantCode     int
		wantErr      string
		wantRequests int
	}{
		{
			name: "429 three times", status: 429, headers: map[string]string{"ratelimit-reset": "0"},
			body:     `{"error":{"message":"Rate Limit Exceeded","code":2020}}`,
			wantCode: 1, wantErr: "still rate limiting requests (429)", wantRequests: 3,
		},
		{
			name: "503 three times", status: 503, headers: map[string]string{"Retry-After": "0"},
			body:     `{"error":{"message":"Service Unavailable","code":2001}}`,
			wantCode: 1, wantErr: "still failed after retrying", wantRequests: 3,
		},
		{
			name: "401", status: 401,
			body:     `{"error":{"message":"Unauthorized","code":2006}}`,
			wantCode: 4, wantErr: "run: pdauth login", wantRequests: 1,
		},
		{
			name: "400 with a string error", status: 400,
			body:     `{"error":"Cannot call /users/me with an account-level token"}`,
			wantCode: 1, wantErr: "400", wantRequests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			h.login()
			before, _ := h.keyring.Get(credstore.Service, "default")

			var mu sync.Mutex
			requests := 0
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests++
				mu.Unlock()
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer api.Close()
			h.env["PDAUTH_API_URL"] = api.URL

			code, stdout, stderr := h.run("whoami")
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit code = %d, want %d with %q; stderr:\n%s", code, tt.wantCode, tt.wantErr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			mu.Lock()
			defer mu.Unlock()
			if requests != tt.wantRequests {
				t.Errorf("/users/me requests = %d, want %d", requests, tt.wantRequests)
			}
			if after, _ := h.keyring.Get(credstore.Service, "default"); after != before {
				t.Error("the stored record changed")
			}
		})
	}
}
