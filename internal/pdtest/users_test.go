package pdtest_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// restErrorBody is the PagerDuty REST API error format.
type restErrorBody struct {
	Error *struct {
		Message string   `json:"message"`
		Code    int      `json:"code"`
		Errors  []string `json:"errors"`
	} `json:"error"`
}

func wantRESTError(t *testing.T, resp response, wantStatus int, wantMessage string, wantCode int) {
	t.Helper()

	if resp.status != wantStatus {
		t.Errorf("status = %d, want %d; body %s", resp.status, wantStatus, resp.body)
	}
	if got := resp.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	var body restErrorBody
	if err := json.Unmarshal(resp.body, &body); err != nil {
		t.Fatalf("decode error body %s: %v", resp.body, err)
	}
	if body.Error == nil {
		t.Fatalf("body %s has no error object", resp.body)
	}
	if body.Error.Message != wantMessage {
		t.Errorf("message = %q, want %q", body.Error.Message, wantMessage)
	}
	if body.Error.Code != wantCode {
		t.Errorf("code = %d, want %d", body.Error.Code, wantCode)
	}
	if len(body.Error.Errors) == 0 {
		t.Error("errors is empty")
	}
}

func TestUsersMeRejects(t *testing.T) {
	tests := []struct {
		name          string
		authorization func(tokens tokenBody) string
		accept        string
		before        func(h *harness)
		wantStatus    int
		wantMessage   string
		wantCode      int
	}{
		{
			name:          "missing Accept",
			authorization: bearer,
			wantStatus:    http.StatusNotAcceptable, wantMessage: "Not Acceptable", wantCode: 2001,
		},
		{
			name:          "plain JSON Accept",
			authorization: bearer,
			accept:        "application/json",
			wantStatus:    http.StatusNotAcceptable, wantMessage: "Not Acceptable", wantCode: 2001,
		},
		{
			name:          "version 1 Accept",
			authorization: bearer,
			accept:        "application/vnd.pagerduty+json;version=1",
			wantStatus:    http.StatusNotAcceptable, wantMessage: "Not Acceptable", wantCode: 2001,
		},
		{
			name:       "missing Authorization",
			accept:     pdtest.AcceptV2,
			wantStatus: http.StatusUnauthorized, wantMessage: "Unauthorized", wantCode: 2006,
		},
		{
			name:          "API key scheme",
			authorization: func(tokens tokenBody) string { return "Token token=" + tokens.AccessToken },
			accept:        pdtest.AcceptV2,
			wantStatus:    http.StatusUnauthorized, wantMessage: "Unauthorized", wantCode: 2006,
		},
		{
			name:          "unknown token",
			authorization: func(tokenBody) string { return "Bearer pdus+_0unknown" },
			accept:        pdtest.AcceptV2,
			wantStatus:    http.StatusUnauthorized, wantMessage: "Unauthorized", wantCode: 2006,
		},
		{
			name:          "refresh token as bearer",
			authorization: func(tokens tokenBody) string { return "Bearer " + tokens.RefreshToken },
			accept:        pdtest.AcceptV2,
			wantStatus:    http.StatusUnauthorized, wantMessage: "Unauthorized", wantCode: 2006,
		},
		{
			name:          "token past lifetime",
			authorization: bearer,
			accept:        pdtest.AcceptV2,
			before:        func(h *harness) { h.clock.Advance(time.Hour) },
			wantStatus:    http.StatusUnauthorized, wantMessage: "Unauthorized", wantCode: 2006,
		},
		{
			name:          "token expired by server",
			authorization: bearer,
			accept:        pdtest.AcceptV2,
			before:        func(h *harness) { h.server.ExpireAccessTokens() },
			wantStatus:    http.StatusUnauthorized, wantMessage: "Unauthorized", wantCode: 2006,
		},
		{
			name:          "expired token without Accept",
			authorization: bearer,
			before:        func(h *harness) { h.server.ExpireAccessTokens() },
			wantStatus:    http.StatusUnauthorized, wantMessage: "Unauthorized", wantCode: 2006,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			tokens := h.login()
			authorization := ""
			if tt.authorization != nil {
				authorization = tt.authorization(tokens)
			}
			if tt.before != nil {
				tt.before(h)
			}

			resp := h.getUsersMe(authorization, tt.accept)

			wantRESTError(t, resp, tt.wantStatus, tt.wantMessage, tt.wantCode)
		})
	}
}

func bearer(tokens tokenBody) string {
	return "Bearer " + tokens.AccessToken
}

func TestUsersMeReturnsUser(t *testing.T) {
	tests := []struct {
		name     string
		cfg      pdtest.Config
		wantUser pdtest.User
	}{
		{
			name:     "default user",
			wantUser: pdtest.DefaultUser,
		},
		{
			name: "configured user",
			cfg: pdtest.Config{
				Subdomain: "acme",
				User: pdtest.User{
					ID: "PABC123", Name: "Ada Lovelace", Email: "ada@example.org",
					TimeZone: "Europe/London", Role: "admin", JobTitle: "Analyst",
				},
			},
			wantUser: pdtest.User{
				ID: "PABC123", Name: "Ada Lovelace", Email: "ada@example.org",
				TimeZone: "Europe/London", Role: "admin", JobTitle: "Analyst",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg)
			tokens := h.login()

			resp := h.getUsersMe("Bearer "+tokens.AccessToken, pdtest.AcceptV2)

			if resp.status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", resp.status, resp.body)
			}
			if got := resp.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			subdomain := tt.cfg.Subdomain
			if subdomain == "" {
				subdomain = pdtest.DefaultSubdomain
			}
			checkUserBody(t, resp.body, tt.wantUser, h.server.URL(), subdomain)
		})
	}
}

func checkUserBody(t *testing.T, data []byte, want pdtest.User, serverURL, subdomain string) {
	t.Helper()

	var body map[string]map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("decode body %s: %v", data, err)
	}
	user := body["user"]
	wantFields := map[string]any{
		"id":         want.ID,
		"type":       "user",
		"summary":    want.Name,
		"self":       serverURL + "/users/" + want.ID,
		"html_url":   "https://" + subdomain + ".pagerduty.com/users/" + want.ID,
		"name":       want.Name,
		"email":      want.Email,
		"time_zone":  want.TimeZone,
		"role":       want.Role,
		"avatar_url": serverURL + "/avatars/" + want.ID + ".png",
		"job_title":  want.JobTitle,
		"teams":      []any{},
	}
	for name, wantValue := range wantFields {
		if got := user[name]; !reflect.DeepEqual(got, wantValue) {
			t.Errorf("user.%s = %#v, want %#v", name, got, wantValue)
		}
	}
	if len(user) != len(wantFields) {
		t.Errorf("user has %d fields, want %d: %v", len(user), len(wantFields), user)
	}
}

func TestUsersMeAcceptForms(t *testing.T) {
	accepts := []string{
		pdtest.AcceptV2,
		"application/vnd.pagerduty+json; version=2",
		"application/json, application/vnd.pagerduty+json;version=2",
	}
	for _, accept := range accepts {
		t.Run(accept, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})
			tokens := h.login()

			resp := h.getUsersMe("bearer "+tokens.AccessToken, accept)

			if resp.status != http.StatusOK {
				t.Errorf("status = %d, want 200; body %s", resp.status, resp.body)
			}
		})
	}
}

func TestUsersMeSelfUsesAPIURL(t *testing.T) {
	apiURL := "http://127.0.0.1:9/api"
	h := newHarness(t, pdtest.Config{APIURL: apiURL + "/"})
	tokens := h.login()

	resp := h.getUsersMe("Bearer "+tokens.AccessToken, pdtest.AcceptV2)

	var body struct {
		User struct {
			Self string `json:"self"`
		} `json:"user"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil {
		t.Fatalf("decode body %s: %v", resp.body, err)
	}
	if want := apiURL + "/users/" + pdtest.DefaultUser.ID; body.User.Self != want {
		t.Errorf("self = %q, want %q", body.User.Self, want)
	}
}

func TestUsersMeRejectsPost(t *testing.T) {
	h := newHarness(t, pdtest.Config{})

	resp := h.do(h.newRequest(http.MethodPost, "/users/me", nil))

	wantRESTError(t, resp, http.StatusMethodNotAllowed, "Method Not Allowed", 2001)
	if got := resp.header.Get("Allow"); got != http.MethodGet {
		t.Errorf("Allow = %q, want GET", got)
	}
}

func TestUnknownPathNotFound(t *testing.T) {
	h := newHarness(t, pdtest.Config{})

	resp := h.do(h.newRequest(http.MethodGet, "/users/PXUSR01", nil))

	wantRESTError(t, resp, http.StatusNotFound, "Not Found", 2100)
}
