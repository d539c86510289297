package pdtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestAuthorizeApproves(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	_, challenge := newPKCE()

	resp := h.getAuthorize(authorizeParams(challenge))

	if resp.status != http.StatusFound {
		t.Fatalf("status = %d, want 302; body %s", resp.status, resp.body)
	}
	location, err := url.Parse(resp.header.Get("Location"))
	if err != nil {
		t.Fatalf("parse Location: %v", err)
	}
	if got := location.Scheme + "://" + location.Host + location.Path; got != pdtest.DefaultRedirectURI {
		t.Errorf("redirect target = %q, want %q", got, pdtest.DefaultRedirectURI)
	}
	query := location.Query()
	if query.Get("code") == "" {
		t.Error("redirect has no code")
	}
	if got := query.Get("state"); got != testState {
		t.Errorf("state = %q, want %q", got, testState)
	}
	if query.Has("error") {
		t.Errorf("redirect has error %q", query.Get("error"))
	}
	if got := resp.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestAuthorizeKeepsRedirectURIQuery(t *testing.T) {
	redirectURI := "http://127.0.0.1:8123/callback?app=pdauth"
	h := newHarness(t, pdtest.Config{RedirectURIs: []string{redirectURI}})
	_, challenge := newPKCE()
	params := authorizeParams(challenge)
	params.Set("redirect_uri", redirectURI)

	resp := h.getAuthorize(params)

	if resp.status != http.StatusFound {
		t.Fatalf("status = %d, want 302; body %s", resp.status, resp.body)
	}
	query := redirectQuery(t, resp)
	if got := query.Get("app"); got != "pdauth" {
		t.Errorf("app = %q, want the registered value pdauth", got)
	}
	if query.Get("code") == "" {
		t.Error("redirect has no code")
	}
}

func TestAuthorizeRejectsWithoutRedirect(t *testing.T) {
	tests := []struct {
		name string
		edit func(params url.Values)
	}{
		{"missing client_id", func(p url.Values) { p.Del("client_id") }},
		{"empty client_id", func(p url.Values) { p.Set("client_id", "") }},
		{"unknown client_id", func(p url.Values) { p.Set("client_id", "other-client") }},
		{"repeated client_id", func(p url.Values) { p.Add("client_id", pdtest.DefaultClientID) }},
		{"missing redirect_uri", func(p url.Values) { p.Del("redirect_uri") }},
		{"redirect_uri trailing slash", func(p url.Values) { p.Set("redirect_uri", pdtest.DefaultRedirectURI+"/") }},
		{"redirect_uri other port", func(p url.Values) { p.Set("redirect_uri", "http://localhost:5001/callback") }},
		{"redirect_uri other host", func(p url.Values) { p.Set("redirect_uri", "http://127.0.0.1:5000/callback") }},
		{"redirect_uri extra query", func(p url.Values) { p.Set("redirect_uri", pdtest.DefaultRedirectURI+"?x=1") }},
		{"redirect_uri uppercase path", func(p url.Values) { p.Set("redirect_uri", "http://localhost:5000/Callback") }},
		{"repeated redirect_uri", func(p url.Values) { p.Add("redirect_uri", pdtest.DefaultRedirectURI) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			_, challenge := newPKCE()
			params := authorizeParams(challenge)
			tt.edit(params)

			resp := h.getAuthorize(params)

			if resp.status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", resp.status)
			}
			if got := resp.header.Get("Location"); got != "" {
				t.Errorf("Location = %q, want none", got)
			}
			if got := resp.header.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
				t.Errorf("Content-Type = %q, want text/html", got)
			}
			if !strings.Contains(string(resp.body), "Invalid authorization request") {
				t.Errorf("body %q does not explain the error", resp.body)
			}
		})
	}
}

func TestAuthorizeRejectsPost(t *testing.T) {
	h := newHarness(t, pdtest.Config{})
	_, challenge := newPKCE()
	req := h.newRequest(http.MethodPost, "/oauth/authorize?"+authorizeParams(challenge).Encode(), nil)

	resp := h.do(req)

	if resp.status != http.StatusMethodNotAllowed {
		t.Errorf("status = %d, want 405", resp.status)
	}
	if got := resp.header.Get("Allow"); got != http.MethodGet {
		t.Errorf("Allow = %q, want GET", got)
	}
	if got := resp.header.Get("Location"); got != "" {
		t.Errorf("Location = %q, want none", got)
	}
}

func TestAuthorizeRedirectsErrors(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(params url.Values)
		wantError string
		wantState bool
	}{
		{"missing scope", func(p url.Values) { p.Del("scope") }, "invalid_request", true},
		{"unknown scope", func(p url.Values) { p.Set("scope", "admin") }, "invalid_scope", true},
		{"two scopes", func(p url.Values) { p.Set("scope", "read write") }, "invalid_scope", true},
		{"repeated scope", func(p url.Values) { p.Add("scope", "write") }, "invalid_request", true},
		{"missing response_type", func(p url.Values) { p.Del("response_type") }, "invalid_request", true},
		{"token response_type", func(p url.Values) { p.Set("response_type", "token") }, "unsupported_response_type", true},
		{"missing code_challenge", func(p url.Values) { p.Del("code_challenge") }, "invalid_request", true},
		{"short code_challenge", func(p url.Values) { p.Set("code_challenge", "abc") }, "invalid_request", true},
		{"padded code_challenge", func(p url.Values) { p.Set("code_challenge", strings.Repeat("a", 42)+"=") }, "invalid_request", true},
		{"missing challenge method", func(p url.Values) { p.Del("code_challenge_method") }, "invalid_request", true},
		{"plain challenge method", func(p url.Values) { p.Set("code_challenge_method", "plain") }, "invalid_request", true},
		{"lowercase challenge method", func(p url.Values) { p.Set("code_challenge_method", "s256") }, "invalid_request", true},
		{"missing state", func(p url.Values) { p.Del("state") }, "invalid_request", false},
		{"repeated state", func(p url.Values) { p.Add("state", "other") }, "invalid_request", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			_, challenge := newPKCE()
			params := authorizeParams(challenge)
			tt.edit(params)

			resp := h.getAuthorize(params)

			if resp.status != http.StatusFound {
				t.Fatalf("status = %d, want 302; body %s", resp.status, resp.body)
			}
			if got := resp.header.Get("Location"); !strings.HasPrefix(got, pdtest.DefaultRedirectURI+"?") {
				t.Errorf("Location = %q, want the redirect URI", got)
			}
			query := redirectQuery(t, resp)
			if got := query.Get("error"); got != tt.wantError {
				t.Errorf("error = %q, want %q", got, tt.wantError)
			}
			if query.Get("error_description") == "" {
				t.Error("error_description is empty")
			}
			if query.Has("code") {
				t.Error("error redirect carries a code")
			}
			if got, want := query.Has("state"), tt.wantState; got != want {
				t.Errorf("state present = %v, want %v", got, want)
			}
			if tt.wantState && query.Get("state") != testState {
				t.Errorf("state = %q, want %q", query.Get("state"), testState)
			}
		})
	}
}

func TestAuthorizeDenied(t *testing.T) {
	h := newHarness(t, pdtest.Config{Deny: true})
	_, challenge := newPKCE()

	resp := h.getAuthorize(authorizeParams(challenge))

	if resp.status != http.StatusFound {
		t.Fatalf("status = %d, want 302; body %s", resp.status, resp.body)
	}
	query := redirectQuery(t, resp)
	if got := query.Get("error"); got != "access_denied" {
		t.Errorf("error = %q, want access_denied", got)
	}
	if query.Get("error_description") == "" {
		t.Error("error_description is empty")
	}
	if got := query.Get("state"); got != testState {
		t.Errorf("state = %q, want %q", got, testState)
	}
	if query.Has("code") {
		t.Error("denied redirect carries a code")
	}
}

func TestAuthorizeDeniedStillChecksClient(t *testing.T) {
	h := newHarness(t, pdtest.Config{Deny: true})
	_, challenge := newPKCE()
	params := authorizeParams(challenge)
	params.Set("client_id", "other-client")

	resp := h.getAuthorize(params)

	if resp.status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.status)
	}
	if got := resp.header.Get("Location"); got != "" {
		t.Errorf("Location = %q, want none", got)
	}
}
