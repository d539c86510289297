package pdtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestTokenExchangeSucceeds(t *testing.T) {
	for _, scope := range []string{"read", "write"} {
		t.Run(scope, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			code, verifier := h.authorize(scope)

			resp := h.postToken(h.exchangeForm(code, verifier))

			body := decodeTokenBody(t, resp)
			if !strings.HasPrefix(body.AccessToken, "pdus+_0") || len(body.AccessToken) != len("pdus+_0")+43 {
				t.Errorf("access_token = %q, want pdus+_0 and 43 characters", body.AccessToken)
			}
			if !strings.HasPrefix(body.RefreshToken, "pdus+_1") || len(body.RefreshToken) != len("pdus+_1")+43 {
				t.Errorf("refresh_token = %q, want pdus+_1 and 43 characters", body.RefreshToken)
			}
			if body.TokenType != "bearer" {
				t.Errorf("token_type = %q, want bearer", body.TokenType)
			}
			if body.ExpiresIn != 3600 {
				t.Errorf("expires_in = %d, want 3600", body.ExpiresIn)
			}
			if want := "openid " + scope; body.Scope != want {
				t.Errorf("scope = %q, want %q", body.Scope, want)
			}
			if parts := strings.Split(body.IDToken, "."); len(parts) != 3 {
				t.Errorf("id_token has %d parts, want 3", len(parts))
			}
			if got := resp.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if got := resp.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
		})
	}
}

func TestTokenExchangeCustomLifetime(t *testing.T) {
	h := newHarness(t, pdtest.Config{AccessTokenLifetime: 90 * time.Second})

	body := h.login()

	if body.ExpiresIn != 90 {
		t.Errorf("expires_in = %d, want 90", body.ExpiresIn)
	}
}

func TestTokenExchangeRejects(t *testing.T) {
	tests := []struct {
		name       string
		before     func(h *harness, form url.Values)
		edit       func(form url.Values)
		wantStatus int
		wantError  string
	}{
		{
			name:       "wrong verifier",
			edit:       func(f url.Values) { verifier, _ := newPKCE(); f.Set("code_verifier", verifier) },
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name: "reused code",
			before: func(h *harness, form url.Values) {
				decodeTokenBody(h.t, h.postToken(form))
			},
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name:       "expired code",
			before:     func(h *harness, _ url.Values) { h.clock.Advance(pdtest.DefaultCodeLifetime) },
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name:       "redirect_uri mismatch",
			edit:       func(f url.Values) { f.Set("redirect_uri", "http://localhost:5000/other") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name:       "unknown code",
			edit:       func(f url.Values) { f.Set("code", "not-a-code") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name:       "missing code",
			edit:       func(f url.Values) { f.Del("code") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "missing redirect_uri",
			edit:       func(f url.Values) { f.Del("redirect_uri") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "missing verifier",
			edit:       func(f url.Values) { f.Del("code_verifier") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "short verifier",
			edit:       func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 42)) },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "verifier with invalid character",
			edit:       func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 42)+"+") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "repeated code",
			edit:       func(f url.Values) { f.Add("code", "second") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "missing client_id",
			edit:       func(f url.Values) { f.Del("client_id") },
			wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
		},
		{
			name:       "unknown client_id",
			edit:       func(f url.Values) { f.Set("client_id", "other-client") },
			wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
		},
		{
			name:       "missing grant_type",
			edit:       func(f url.Values) { f.Del("grant_type") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "password grant_type",
			edit:       func(f url.Values) { f.Set("grant_type", "password") },
			wantStatus: http.StatusBadRequest, wantError: "unsupported_grant_type",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			code, verifier := h.authorize("read")
			form := h.exchangeForm(code, verifier)
			if tt.before != nil {
				tt.before(h, form)
			}
			if tt.edit != nil {
				tt.edit(form)
			}

			resp := h.postToken(form)

			wantOAuthError(t, resp, tt.wantStatus, tt.wantError)
		})
	}
}

func TestTokenCodeValidUntilLifetime(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	code, verifier := h.authorize("read")
	h.clock.Advance(pdtest.DefaultCodeLifetime - time.Second)

	resp := h.postToken(h.exchangeForm(code, verifier))

	decodeTokenBody(t, resp)
}

func TestTokenFailedExchangeUsesCode(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	code, verifier := h.authorize("read")
	form := h.exchangeForm(code, verifier)
	wrongVerifier, _ := newPKCE()
	form.Set("code_verifier", wrongVerifier)
	wantOAuthError(t, h.postToken(form), http.StatusBadRequest, "invalid_grant")

	resp := h.postToken(h.exchangeForm(code, verifier))

	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant")
}

func TestTokenReusedCodeRevokesTokens(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	code, verifier := h.authorize("read")
	form := h.exchangeForm(code, verifier)
	first := decodeTokenBody(t, h.postToken(form))

	wantOAuthError(t, h.postToken(form), http.StatusBadRequest, "invalid_grant")

	if resp := h.getUsersMe("Bearer "+first.AccessToken, pdtest.AcceptV2); resp.status != http.StatusUnauthorized {
		t.Errorf("users/me with revoked access token: status = %d, want 401", resp.status)
	}
	resp := h.postToken(h.refreshForm(first.RefreshToken))
	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant")
}

func TestTokenRequestFormat(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		query       string
		contentType string
		basicAuth   bool
		wantStatus  int
		wantError   string
	}{
		{"GET method", http.MethodGet, "", "", false, http.StatusMethodNotAllowed, "invalid_request"},
		{"JSON body", http.MethodPost, "", "application/json", false, http.StatusBadRequest, "invalid_request"},
		{"missing Content-Type", http.MethodPost, "", "", false, http.StatusBadRequest, "invalid_request"},
		{"multipart body", http.MethodPost, "", "multipart/form-data; boundary=x", false, http.StatusBadRequest, "invalid_request"},
		{"parameters in query", http.MethodPost, "?grant_type=authorization_code", "application/x-www-form-urlencoded", false, http.StatusBadRequest, "invalid_request"},
		{"basic authentication", http.MethodPost, "", "application/x-www-form-urlencoded", true, http.StatusUnauthorized, "invalid_client"},
		{"form with charset", http.MethodPost, "", "application/x-www-form-urlencoded; charset=utf-8", false, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			code, verifier := h.authorize("read")
			body := strings.NewReader(h.exchangeForm(code, verifier).Encode())
			req := h.newRequest(tt.method, "/oauth/token"+tt.query, body)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.basicAuth {
				req.SetBasicAuth(pdtest.DefaultClientID, "")
			}

			resp := h.do(req)

			if tt.wantStatus == http.StatusOK {
				decodeTokenBody(t, resp)
				return
			}
			wantOAuthError(t, resp, tt.wantStatus, tt.wantError)
			if tt.wantStatus == http.StatusMethodNotAllowed && resp.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", resp.header.Get("Allow"))
			}
		})
	}
}

func TestTokenRejectsOversizedBody(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	form := url.Values{"grant_type": {"authorization_code"}, "padding": {strings.Repeat("a", 70<<10)}}

	resp := h.postToken(form)

	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_request")
}

func TestTokenConfidentialClient(t *testing.T) {
	const secret = "s3cret-value"
	tests := []struct {
		name       string
		secret     string
		wantStatus int
	}{
		{"missing secret", "", http.StatusUnauthorized},
		{"wrong secret", "wrong-value", http.StatusUnauthorized},
		{"secret prefix", "s3cret", http.StatusUnauthorized},
		{"correct secret", secret, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{ClientSecret: secret})
			code, verifier := h.authorize("read")
			form := h.exchangeForm(code, verifier)
			form.Set("client_secret", tt.secret)
			if tt.secret == "" {
				form.Del("client_secret")
			}

			resp := h.postToken(form)

			if tt.wantStatus == http.StatusOK {
				decodeTokenBody(t, resp)
				return
			}
			wantOAuthError(t, resp, tt.wantStatus, "invalid_client")
		})
	}
}

func TestTokenConfidentialClientFailureKeepsCode(t *testing.T) {
	h := newHarness(t, pdtest.Config{ClientSecret: "s3cret-value"})
	code, verifier := h.authorize("read")
	form := h.exchangeForm(code, verifier)
	form.Del("client_secret")
	wantOAuthError(t, h.postToken(form), http.StatusUnauthorized, "invalid_client")

	resp := h.postToken(h.exchangeForm(code, verifier))

	decodeTokenBody(t, resp)
}

func TestTokenPublicClientIgnoresSecret(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	code, verifier := h.authorize("read")
	form := h.exchangeForm(code, verifier)
	form.Set("client_secret", "anything")

	resp := h.postToken(form)

	decodeTokenBody(t, resp)
}
