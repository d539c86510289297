package pdtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestRefreshRotatesTokens(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	first := h.login()

	second := decodeTokenBody(t, h.postToken(h.refreshForm(first.RefreshToken)))

	if second.AccessToken == first.AccessToken {
		t.Error("refresh returned the old access token")
	}
	if second.RefreshToken == first.RefreshToken {
		t.Error("refresh returned the old refresh token")
	}
	if second.Scope != "openid read" {
		t.Errorf("scope = %q, want openid read", second.Scope)
	}
	if second.IDToken == "" {
		t.Error("refresh returned no id_token")
	}
	if resp := h.getUsersMe("Bearer "+second.AccessToken, pdtest.AcceptV2); resp.status != http.StatusOK {
		t.Errorf("users/me with new access token: status = %d, want 200", resp.status)
	}

	resp := h.postToken(h.refreshForm(first.RefreshToken))
	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant")

	third := decodeTokenBody(t, h.postToken(h.refreshForm(second.RefreshToken)))
	if third.RefreshToken == second.RefreshToken {
		t.Error("second refresh returned the old refresh token")
	}
}

func TestRefreshKeepsOldAccessToken(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	first := h.login()
	decodeTokenBody(t, h.postToken(h.refreshForm(first.RefreshToken)))

	resp := h.getUsersMe("Bearer "+first.AccessToken, pdtest.AcceptV2)

	if resp.status != http.StatusOK {
		t.Errorf("status = %d, want 200 until the old access token expires", resp.status)
	}
}

func TestRefreshRejects(t *testing.T) {
	tests := []struct {
		name       string
		cfg        pdtest.Config
		sendAccess bool // send the access token as refresh_token
		before     func(h *harness)
		edit       func(form url.Values)
		wantStatus int
		wantError  string
	}{
		{
			name:       "missing refresh_token",
			edit:       func(f url.Values) { f.Del("refresh_token") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_request",
		},
		{
			name:       "unknown refresh_token",
			edit:       func(f url.Values) { f.Set("refresh_token", "pdus+_1unknown") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name:       "access token as refresh token",
			sendAccess: true,
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name:       "revoked refresh tokens",
			before:     func(h *harness) { h.server.RevokeRefreshTokens() },
			wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
		},
		{
			name:       "other scope",
			edit:       func(f url.Values) { f.Set("scope", "write") },
			wantStatus: http.StatusBadRequest, wantError: "invalid_scope",
		},
		{
			name:       "unknown client_id",
			edit:       func(f url.Values) { f.Set("client_id", "other-client") },
			wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
		},
		{
			name:       "confidential without secret",
			cfg:        pdtest.Config{ClientSecret: "s3cret-value"},
			edit:       func(f url.Values) { f.Del("client_secret") },
			wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
		},
		{
			name:       "confidential wrong secret",
			cfg:        pdtest.Config{ClientSecret: "s3cret-value"},
			edit:       func(f url.Values) { f.Set("client_secret", "wrong-value") },
			wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg)
			tokens := h.login()
			form := h.refreshForm(tokens.RefreshToken)
			if tt.sendAccess {
				form.Set("refresh_token", tokens.AccessToken)
			}
			if tt.before != nil {
				tt.before(h)
			}
			if tt.edit != nil {
				tt.edit(form)
			}

			resp := h.postToken(form)

			wantOAuthError(t, resp, tt.wantStatus, tt.wantError)
		})
	}
}

func TestRefreshAcceptsGrantedScope(t *testing.T) {
	for _, scope := range []string{"read", "openid read"} {
		t.Run(scope, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			form := h.refreshForm(h.login().RefreshToken)
			form.Set("scope", scope)

			resp := h.postToken(form)

			decodeTokenBody(t, resp)
		})
	}
}

// A refresh token contains "+", which form encoding must send as %2B. A raw
// "+" decodes to a space, so the server no longer finds the token.
func TestRefreshUnencodedPlusRejected(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	tokens := h.login()
	body := "grant_type=refresh_token&client_id=" + pdtest.DefaultClientID +
		"&refresh_token=" + tokens.RefreshToken
	req := h.newRequest(http.MethodPost, "/oauth/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	resp := h.do(req)

	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant")
}

func TestRefreshAfterExpireAccessTokens(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	tokens := h.login()
	h.server.ExpireAccessTokens()
	if resp := h.getUsersMe("Bearer "+tokens.AccessToken, pdtest.AcceptV2); resp.status != http.StatusUnauthorized {
		t.Fatalf("users/me with expired token: status = %d, want 401", resp.status)
	}

	refreshed := decodeTokenBody(t, h.postToken(h.refreshForm(tokens.RefreshToken)))

	if resp := h.getUsersMe("Bearer "+refreshed.AccessToken, pdtest.AcceptV2); resp.status != http.StatusOK {
		t.Errorf("users/me with refreshed token: status = %d, want 200", resp.status)
	}
}

func TestRevokeRefreshTokensAllowsNewLogin(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	h.login()
	h.server.RevokeRefreshTokens()

	tokens := h.login()
	resp := h.postToken(h.refreshForm(tokens.RefreshToken))

	decodeTokenBody(t, resp)
}
