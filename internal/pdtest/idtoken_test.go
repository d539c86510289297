package pdtest_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// decodeJWTPart decodes one base64url JSON part of a compact JWT into target.
func decodeJWTPart(t *testing.T, part string, target any) {
	t.Helper()

	data, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatalf("decode JWT part %q: %v", part, err)
	}
	if err := json.Unmarshal(data, target); err != nil {
		t.Fatalf("unmarshal JWT part %s: %v", data, err)
	}
}

func TestIDTokenClaims(t *testing.T) {
	tests := []struct {
		name          string
		cfg           pdtest.Config
		wantAudience  string // "" means the server URL
		wantUserID    string
		wantAccountID string
		wantSubdomain string
		wantRegion    string
		wantLifetime  time.Duration
	}{
		{
			name:          "defaults",
			wantUserID:    pdtest.DefaultUser.ID,
			wantAccountID: pdtest.DefaultAccountID,
			wantSubdomain: pdtest.DefaultSubdomain,
			wantRegion:    "us",
			wantLifetime:  time.Hour,
		},
		{
			name: "configured",
			cfg: pdtest.Config{
				APIURL:              "http://[::1]:9/api",
				Subdomain:           "acme-eu",
				Region:              "eu",
				AccountID:           "PACME01",
				User:                pdtest.User{ID: "PABC123"},
				AccessTokenLifetime: 10 * time.Minute,
			},
			wantAudience:  "http://[::1]:9/api",
			wantUserID:    "PABC123",
			wantAccountID: "PACME01",
			wantSubdomain: "acme-eu",
			wantRegion:    "eu",
			wantLifetime:  10 * time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg)
			tokens := h.login()
			parts := strings.Split(tokens.IDToken, ".")
			if len(parts) != 3 {
				t.Fatalf("id_token has %d parts, want 3", len(parts))
			}

			var header map[string]any
			decodeJWTPart(t, parts[0], &header)
			var claims map[string]any
			decodeJWTPart(t, parts[1], &claims)

			if header["alg"] != "HS256" {
				t.Errorf("alg = %v, want HS256", header["alg"])
			}
			if header["typ"] != "JWT" {
				t.Errorf("typ = %v, want JWT", header["typ"])
			}
			wantAudience := tt.wantAudience
			if wantAudience == "" {
				wantAudience = h.server.URL()
			}
			wantClaims := map[string]any{
				"iss":        h.server.URL(),
				"aud":        wantAudience,
				"sub":        tt.wantUserID,
				"user_id":    tt.wantUserID,
				"account_id": tt.wantAccountID,
				"subdomain":  tt.wantSubdomain,
				"region":     tt.wantRegion,
				"iat":        float64(startTime.Unix()),
				"exp":        float64(startTime.Add(tt.wantLifetime).Unix()),
			}
			for name, want := range wantClaims {
				if got := claims[name]; got != want {
					t.Errorf("claim %s = %#v, want %#v", name, got, want)
				}
			}
			if parts[2] == "" {
				t.Error("signature is empty")
			}
		})
	}
}
