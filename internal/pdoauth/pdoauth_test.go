package pdoauth

import (
	"encoding/base64"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func jwtWith(payload string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString([]byte("signature"))
}

func TestParseIDToken(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    Claims
		wantErr string
	}{
		{
			name: "string aud",
			raw:  jwtWith(`{"aud":"https://api.eu.pagerduty.com","subdomain":"acme","region":"eu","account_id":"PACC","user_id":"PUSR"}`),
			want: Claims{Audience: []string{"https://api.eu.pagerduty.com"}, Subdomain: "acme", Region: "eu", AccountID: "PACC", UserID: "PUSR"},
		},
		{
			name: "list aud",
			raw:  jwtWith(`{"aud":["x","https://api.pagerduty.com"]}`),
			want: Claims{Audience: []string{"x", "https://api.pagerduty.com"}},
		},
		{name: "no aud", raw: jwtWith(`{"subdomain":"acme"}`), want: Claims{Subdomain: "acme"}},
		{name: "two parts", raw: "a.b", wantErr: "not a JWT"},
		{name: "bad base64", raw: "a.!!!.c", wantErr: "not base64url"},
		{name: "payload not JSON", raw: jwtWith(`nope`), wantErr: "not a JSON object"},
		{name: "aud a number", raw: jwtWith(`{"aud":5}`), wantErr: "aud is neither"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDToken(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseIDToken() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseIDToken() error = %v", err)
			}
			if !slices.Equal(got.Audience, tt.want.Audience) {
				t.Errorf("Audience = %q, want %q", got.Audience, tt.want.Audience)
			}
			got.Audience, tt.want.Audience = nil, nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("claims = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAPIURL(t *testing.T) {
	const custom = "http://127.0.0.1:9999"
	tests := []struct {
		name    string
		aud     []string
		base    string
		want    string
		wantErr string
	}{
		{name: "US", aud: []string{"https://api.pagerduty.com"}, base: DefaultBaseURL, want: APIURLUS},
		{name: "EU with slash", aud: []string{"https://api.eu.pagerduty.com/"}, base: DefaultBaseURL, want: APIURLEU},
		{name: "no aud falls back to US", base: DefaultBaseURL, want: APIURLUS},
		{name: "foreign host refused", aud: []string{"https://evil.example"}, base: DefaultBaseURL, wantErr: "unexpected REST API URL"},
		{name: "loopback refused for PagerDuty", aud: []string{"http://127.0.0.1:8080"}, base: DefaultBaseURL, wantErr: "unexpected REST API URL"},
		{name: "loopback allowed for test server", aud: []string{custom}, base: custom, want: custom},
		{name: "PagerDuty allowed for test server", aud: []string{APIURLEU}, base: custom, want: APIURLEU},
		{name: "foreign host refused for test server", aud: []string{"https://evil.example"}, base: custom, wantErr: "unexpected REST API URL"},
		{name: "no aud from test server", base: custom, wantErr: "set PDAUTH_API_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := APIURL(tt.aud, tt.base)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("APIURL() = %q, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("APIURL() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestParseServiceURL(t *testing.T) {
	tests := []struct {
		raw     string
		want    string
		wantErr bool
	}{
		{raw: "https://identity.pagerduty.com/", want: "https://identity.pagerduty.com"},
		{raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{raw: "http://[::1]:8080", want: "http://[::1]:8080"},
		{raw: "http://identity.example.com", wantErr: true},
		{raw: "ftp://localhost", wantErr: true},
		{raw: "identity.pagerduty.com", wantErr: true},
		{raw: "https://host/?q=1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := ParseServiceURL("PDAUTH_OAUTH_URL", tt.raw)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseServiceURL() = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func retrieveError(status int, statusText, contentType, body string) error {
	return &oauth2.RetrieveError{
		Response: &http.Response{StatusCode: status, Status: statusText, Header: http.Header{"Content-Type": {contentType}}},
		Body:     []byte(body),
	}
}

func TestDescribeTokenError(t *testing.T) {
	jsonErr := retrieveError(400, "400 Bad Request", "application/json", `{"error":"invalid_grant"}`).(*oauth2.RetrieveError)
	jsonErr.ErrorCode = "invalid_grant"
	jsonErr.ErrorDescription = "code SECRETCODE was already used"

	tests := []struct {
		name         string
		err          error
		wantMessage  string
		wantRejected bool
	}{
		{
			name:         "OAuth error",
			err:          jsonErr,
			wantMessage:  "the token endpoint returned 400 Bad Request: invalid_grant: code [redacted] was already used",
			wantRejected: true,
		},
		{
			name:        "HTML 502",
			err:         retrieveError(502, "502 Bad Gateway", "text/html", "<html><body><h1>Bad Gateway</h1>\n<p>upstream SECRETCODE</p></body></html>"),
			wantMessage: "the token endpoint returned 502 Bad Gateway: Bad Gateway upstream [redacted]",
		},
		{
			name:        "echoed form body",
			err:         retrieveError(500, "500 Internal Server Error", "text/plain", "bad request: grant_type=refresh_token&refresh_token=pdus%2B_1SECRET%2Fx&client_secret=s3cr%2Bt+x"),
			wantMessage: "the token endpoint returned 500 Internal Server Error: bad request: grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]",
		},
		{
			name:        "long body is cut",
			err:         retrieveError(500, "500 Internal Server Error", "text/plain", strings.Repeat("x", 500)),
			wantMessage: "the token endpoint returned 500 Internal Server Error: " + strings.Repeat("x", maxExcerpt) + "…",
		},
		{
			name:        "no response",
			err:         errors.New(`Post "http://127.0.0.1:1/oauth/token": dial tcp 127.0.0.1:1: connect: connection refused`),
			wantMessage: `Post "http://127.0.0.1:1/oauth/token": dial tcp 127.0.0.1:1: connect: connection refused`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DescribeTokenError(tt.err, "SECRETCODE", "pdus+_1SECRET/x", "s3cr+t x")
			if got.Error() != tt.wantMessage {
				t.Errorf("message = %q, want %q", got.Error(), tt.wantMessage)
			}
			if got.Rejected() != tt.wantRejected {
				t.Errorf("Rejected() = %v, want %v", got.Rejected(), tt.wantRejected)
			}
		})
	}
}
