package pdtest_test

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestStartRejectsInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  pdtest.Config
	}{
		{"all interfaces", pdtest.Config{Addr: "0.0.0.0:0"}},
		{"empty host", pdtest.Config{Addr: ":0"}},
		{"host name", pdtest.Config{Addr: "localhost:0"}},
		{"public IP", pdtest.Config{Addr: "192.0.2.1:0"}},
		{"missing port", pdtest.Config{Addr: "127.0.0.1"}},
		{"remote redirect URI", pdtest.Config{RedirectURIs: []string{"https://example.com/callback"}}},
		{"relative redirect URI", pdtest.Config{RedirectURIs: []string{"/callback"}}},
		{"custom scheme redirect URI", pdtest.Config{RedirectURIs: []string{"pdauth://callback"}}},
		{"redirect URI fragment", pdtest.Config{RedirectURIs: []string{"http://localhost:5000/callback#x"}}},
		{"remote API URL", pdtest.Config{APIURL: "https://api.pagerduty.com"}},
		{"unknown region", pdtest.Config{Region: "apac"}},
		{"sub-second token lifetime", pdtest.Config{AccessTokenLifetime: time.Millisecond}},
		{"negative code lifetime", pdtest.Config{CodeLifetime: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server, err := pdtest.Start(tt.cfg)
			if err == nil {
				server.Close()
				t.Fatal("Start returned no error")
			}
			if !strings.HasPrefix(err.Error(), "pdtest: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
		})
	}
}

func TestStartListensOnLoopback(t *testing.T) {
	tests := []struct {
		name       string
		addr       string
		wantPrefix string
	}{
		{"default", "", "http://127.0.0.1:"},
		{"IPv4", "127.0.0.1:0", "http://127.0.0.1:"},
		{"IPv6", "[::1]:0", "http://[::1]:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.addr == "[::1]:0" {
				listener, err := net.Listen("tcp", tt.addr)
				if err != nil {
					t.Skipf("IPv6 loopback unavailable: %v", err)
				}
				listener.Close()
			}
			h := newHarness(t, pdtest.Config{Addr: tt.addr})

			if !strings.HasPrefix(h.server.URL(), tt.wantPrefix) {
				t.Errorf("URL = %q, want prefix %q", h.server.URL(), tt.wantPrefix)
			}
			h.login()
		})
	}
}

func TestStatsCountRequests(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	tokens := h.login()
	h.postToken(h.refreshForm(tokens.RefreshToken))
	h.postToken(h.refreshForm(tokens.RefreshToken))
	h.do(h.newRequest(http.MethodGet, "/oauth/token", nil))
	h.getUsersMe("Bearer "+tokens.AccessToken, pdtest.AcceptV2)
	h.getUsersMe("", "")

	got := h.server.Stats()

	want := pdtest.Stats{
		AuthorizeRequests: 1,
		TokenRequests:     4,
		CodeExchanges:     1,
		Refreshes:         2,
		UsersMeRequests:   2,
	}
	if got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
}

func TestHandlerServesRecorder(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	recorder := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/users/me", nil)
	req.Header.Set("Accept", pdtest.AcceptV2)

	h.server.Handler().ServeHTTP(recorder, req)

	if recorder.Code != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401", recorder.Code)
	}
	if got := h.server.Stats().UsersMeRequests; got != 1 {
		t.Errorf("UsersMeRequests = %d, want 1", got)
	}
}

func TestCloseStopsServing(t *testing.T) {
	server, err := pdtest.Start(pdtest.Config{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}

	server.Close()
	server.Close()

	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 5 * time.Second}
	resp, err := client.Get(server.URL() + "/users/me")
	if err == nil {
		resp.Body.Close()
		t.Errorf("request after Close returned status %d, want a connection error", resp.StatusCode)
	}
}

func TestConcurrentLogins(t *testing.T) {
	const logins = 8
	h := newHarness(t, pdtest.Config{})

	var wg sync.WaitGroup
	for range logins {
		wg.Go(func() {
			tokens := h.login()
			h.server.ExpireAccessTokens()
			h.postToken(h.refreshForm(tokens.RefreshToken))
			h.getUsersMe("Bearer "+tokens.AccessToken, pdtest.AcceptV2)
			h.server.Stats()
		})
	}
	wg.Wait()

	stats := h.server.Stats()
	if stats.CodeExchanges != logins || stats.Refreshes != logins || stats.UsersMeRequests != logins {
		t.Errorf("Stats = %+v, want %d of each", stats, logins)
	}
}

func TestLogsContainNoSecrets(t *testing.T) {
	const secret = "s3cret-value"
	var logs pdtest.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarness(t, pdtest.Config{ClientSecret: secret, Logger: logger})

	code, verifier := h.authorize("read")
	tokens := decodeTokenBody(t, h.postToken(h.exchangeForm(code, verifier)))
	h.postToken(h.exchangeForm(code, verifier))
	h.postToken(h.refreshForm(tokens.RefreshToken))
	h.getUsersMe("Bearer "+tokens.AccessToken, "")
	h.getUsersMe("Bearer "+tokens.AccessToken, pdtest.AcceptV2)
	h.server.Close()

	output := logs.String()
	if !strings.Contains(output, "/oauth/token") {
		t.Fatalf("logs do not mention the token endpoint:\n%s", output)
	}
	sensitive := map[string]string{
		"code":          code,
		"code_verifier": verifier,
		"state":         testState,
		"client_secret": secret,
		"access_token":  tokens.AccessToken,
		"refresh_token": tokens.RefreshToken,
		"id_token":      tokens.IDToken,
	}
	for name, value := range sensitive {
		if strings.Contains(output, value) {
			t.Errorf("logs contain the %s", name)
		}
	}
}
