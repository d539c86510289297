package pdtest_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// TestOAuth2ClientLogin runs the flow with golang.org/x/oauth2, the OAuth
// client library in go.mod, in each client authentication style.
func TestOAuth2ClientLogin(t *testing.T) {
	tests := []struct {
		name      string
		authStyle oauth2.AuthStyle
		secret    string
		wantError bool
	}{
		{"params public", oauth2.AuthStyleInParams, "", false},
		{"params confidential", oauth2.AuthStyleInParams, "s3cret-value", false},
		{"autodetect public", oauth2.AuthStyleAutoDetect, "", false},
		{"header public", oauth2.AuthStyleInHeader, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{ClientSecret: tt.secret})
			ctx := context.WithValue(context.Background(), oauth2.HTTPClient, h.client)
			config := &oauth2.Config{
				ClientID:     pdtest.DefaultClientID,
				ClientSecret: tt.secret,
				RedirectURL:  pdtest.DefaultRedirectURI,
				Scopes:       []string{"read"},
				Endpoint: oauth2.Endpoint{
					AuthURL:   h.server.URL() + "/oauth/authorize",
					TokenURL:  h.server.URL() + "/oauth/token",
					AuthStyle: tt.authStyle,
				},
			}
			verifier := oauth2.GenerateVerifier()
			authorizeURL := config.AuthCodeURL(testState, oauth2.S256ChallengeOption(verifier))
			parsed, err := url.Parse(authorizeURL)
			if err != nil {
				t.Fatalf("parse AuthCodeURL %q: %v", authorizeURL, err)
			}
			resp := h.do(h.newRequest(http.MethodGet, parsed.RequestURI(), nil))
			code := redirectQuery(t, resp).Get("code")
			if code == "" {
				t.Fatalf("authorize redirect %q has no code", resp.header.Get("Location"))
			}

			token, err := config.Exchange(ctx, code, oauth2.VerifierOption(verifier))

			if tt.wantError {
				if err == nil {
					t.Fatal("Exchange succeeded, want invalid_client")
				}
				return
			}
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			checkOAuth2Refresh(t, ctx, h, config, token)
		})
	}
}

// checkOAuth2Refresh expires the access token and checks that a token source
// refreshes it with the rotated refresh token.
func checkOAuth2Refresh(t *testing.T, ctx context.Context, h *harness, config *oauth2.Config, token *oauth2.Token) {
	t.Helper()

	h.server.ExpireAccessTokens()
	// The token source checks expiry with the real clock, not the fake one.
	token.Expiry = time.Now().Add(-time.Minute)
	refreshed, err := config.TokenSource(ctx, token).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if refreshed.RefreshToken == token.RefreshToken {
		t.Error("refresh kept the old refresh token")
	}
	if resp := h.getUsersMe("Bearer "+refreshed.AccessToken, pdtest.AcceptV2); resp.status != http.StatusOK {
		t.Errorf("users/me with refreshed token: status = %d, want 200", resp.status)
	}
}
