package pdoauth

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fuzzCustomBaseURLs are identity services on loopback hosts, like the test
// server's, for which APIURL may also return a loopback REST URL.
var fuzzCustomBaseURLs = []string{"http://127.0.0.1:9999", "http://localhost:8080/", "http://[::1]:8443"}

// FuzzParseIDToken parses the fuzzed string twice: once as a whole id_token
// and once as the JSON payload of an otherwise well-formed JWT, so the
// fuzzer reaches the claim decoding without having to produce base64url.
// Every parsed Audience must survive re-encoding, and APIURL must never
// pick a REST URL outside PagerDuty's two, or loopback for a custom service.
func FuzzParseIDToken(f *testing.F) {
	for _, payload := range []string{
		`{"aud":"https://api.pagerduty.com","subdomain":"acme","region":"us","account_id":"PACC","user_id":"PUSR"}`,
		`{"aud":["https://api.eu.pagerduty.com/"]}`,
		`{"aud":["https://evil.example","https://api.pagerduty.com"]}`,
		`{"aud":"https://api.pagerduty.com@evil.example"}`,
		`{"aud":"https://api.pagerduty.com.evil.example"}`,
		`{"aud":"http://127.0.0.1:9999"}`,
		`{"aud":"http://127.0.0.1:9999@evil.example"}`,
		`{"aud":"http://127.0.0.1:9999#@evil.example"}`,
		`{"aud":"http://[::ffff:127.0.0.1]:80"}`,
		`{"aud":"http://[::1%25eth0]:80"}`,
		`{"aud":"HTTP://LOCALHOST:8080/api"}`,
		`{"aud":"http://localhost.:8080"}`,
		`{"aud":"http://127.1"}`,
		`{"aud":"https://api.pagerduty.com\u0000"}`,
		`{"Aud":"https://api.eu.pagerduty.com","AUD":null}`,
		`{"aud":[]}`,
		`{"aud":null}`,
		`{"aud":5}`,
		`{"aud":["a",5]}`,
		`{"aud":5,"subdomain":"acme"}`,
		`{"aud":["a","b","c"],"aud":"d"}`,
		`{"subdomain":"acme"}`,
		`null`,
		`[]`,
	} {
		f.Add(payload)
		f.Add(jwtWith(payload))
	}
	f.Add("a.b")
	f.Add("a.!!!.c")
	f.Add("..")
	f.Add("x.eyJhdWQiOiJodHRwczovL2FwaS5wYWdlcmR1dHkuY29tIn0=.y")

	f.Fuzz(func(t *testing.T, raw string) {
		checkIDToken(t, raw)
		if claims, ok := checkIDToken(t, jwtWith(raw)); ok {
			checkAudienceOfPayload(t, raw, claims.Audience)
		}
	})
}

// checkIDToken parses token, runs the checks that apply to any parsed
// claims, and returns the claims and whether parsing succeeded.
func checkIDToken(t *testing.T, token string) (Claims, bool) {
	t.Helper()
	claims, err := ParseIDToken(token)
	if err != nil {
		if !reflect.DeepEqual(claims, Claims{}) {
			t.Errorf("ParseIDToken(%q) returned claims %+v together with error %v", token, claims, err)
		}
		return claims, false
	}

	checkClaimsRoundTrip(t, claims)
	checkOfficialAPIURL(t, claims.Audience, DefaultBaseURL)
	checkOfficialAPIURL(t, claims.Audience, DefaultBaseURL+"/")
	for _, base := range fuzzCustomBaseURLs {
		checkCustomAPIURL(t, claims.Audience, base)
	}
	return claims, true
}

// checkAudienceOfPayload compares the Audience that ParseIDToken returned
// for a token with this JSON payload against the aud value decoded into
// an untyped value: one string, or a list whose every entry is kept.
func checkAudienceOfPayload(t *testing.T, payload string, audience []string) {
	t.Helper()
	var decoded struct {
		Aud any `json:"aud"`
	}
	if err := json.Unmarshal([]byte(payload), &decoded); err != nil {
		t.Fatalf("ParseIDToken accepted payload %q, which encoding/json rejects: %v", payload, err)
	}

	var want []string
	switch aud := decoded.Aud.(type) {
	case nil:
	case string:
		want = []string{aud}
	case []any:
		for _, entry := range aud {
			text, ok := entry.(string)
			if !ok {
				t.Fatalf("ParseIDToken accepted payload %q, whose aud list has the non-string entry %v", payload, entry)
			}
			want = append(want, text)
		}
	default:
		t.Fatalf("ParseIDToken accepted payload %q, whose aud is a %T", payload, aud)
	}
	if !slices.Equal(audience, want) {
		t.Errorf("Audience for payload %q = %q, want %q", payload, audience, want)
	}
}

// checkClaimsRoundTrip encodes claims as a new id_token, with aud as a list
// and, for each entry, as a single string, and checks that parsing returns
// the same values.
func checkClaimsRoundTrip(t *testing.T, claims Claims) {
	t.Helper()
	payload, err := json.Marshal(map[string]any{
		"aud":        claims.Audience,
		"subdomain":  claims.Subdomain,
		"region":     claims.Region,
		"account_id": claims.AccountID,
		"user_id":    claims.UserID,
	})
	if err != nil {
		t.Fatalf("encoding claims %+v: %v", claims, err)
	}
	again, err := ParseIDToken(jwtWith(string(payload)))
	if err != nil {
		t.Fatalf("ParseIDToken of re-encoded claims %s: %v", payload, err)
	}
	if !slices.Equal(again.Audience, claims.Audience) {
		t.Errorf("Audience after re-encoding = %q, want %q", again.Audience, claims.Audience)
	}
	if again.Subdomain != claims.Subdomain || again.Region != claims.Region ||
		again.AccountID != claims.AccountID || again.UserID != claims.UserID {
		t.Errorf("claims after re-encoding = %+v, want %+v", again, claims)
	}

	for _, audience := range claims.Audience {
		single, err := json.Marshal(map[string]string{"aud": audience})
		if err != nil {
			t.Fatalf("encoding aud %q: %v", audience, err)
		}
		got, err := ParseIDToken(jwtWith(string(single)))
		if err != nil || !slices.Equal(got.Audience, []string{audience}) {
			t.Errorf("ParseIDToken with aud %s = %q, %v; want [%q]", single, got.Audience, err, audience)
		}
	}
}

// checkOfficialAPIURL checks that a token from PagerDuty's identity service
// goes only to APIURLUS or APIURLEU, and that an error comes with "".
func checkOfficialAPIURL(t *testing.T, audience []string, base string) {
	t.Helper()
	got, err := APIURL(audience, base)
	if err != nil {
		if got != "" {
			t.Errorf("APIURL(%q, %q) = %q together with error %v, want \"\"", audience, base, got, err)
		}
		return
	}
	if got != APIURLUS && got != APIURLEU {
		t.Errorf("APIURL(%q, %q) = %q, want %s or %s", audience, base, got, APIURLUS, APIURLEU)
	}
}

// checkCustomAPIURL checks that a token from a loopback identity service
// goes only to PagerDuty's REST URLs or to a loopback host. The host is
// taken both from the URL itself and from the request that go-pagerduty
// v1.8.0 builds for /users/me, by appending the path to the base URL.
func checkCustomAPIURL(t *testing.T, audience []string, base string) {
	t.Helper()
	got, err := APIURL(audience, base)
	if err != nil {
		if got != "" {
			t.Errorf("APIURL(%q, %q) = %q together with error %v, want \"\"", audience, base, got, err)
		}
		return
	}
	if got == APIURLUS || got == APIURLEU {
		return
	}

	u, err := url.Parse(got)
	if err != nil {
		t.Fatalf("APIURL(%q, %q) = %q, which does not parse: %v", audience, base, got, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		t.Errorf("APIURL(%q, %q) = %q, want an http or https URL", audience, base, got)
	}
	if !isLoopbackName(u.Hostname()) {
		t.Errorf("APIURL(%q, %q) = %q, whose host %q is not loopback", audience, base, got, u.Hostname())
	}

	req, err := http.NewRequest(http.MethodGet, got+"/users/me?", nil)
	if err != nil {
		return // go-pagerduty could not send the token anywhere
	}
	if !isLoopbackName(req.URL.Hostname()) {
		t.Errorf("a request to APIURL(%q, %q) + \"/users/me\" goes to host %q, which is not loopback", audience, base, req.URL.Hostname())
	}
}

// isLoopbackName reports whether host is "localhost" or a loopback IP
// address, including an IPv4-mapped IPv6 one. It uses net/netip rather
// than loopback.IsLoopbackHost, so the check does not share the code under
// test.
func isLoopbackName(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Zone() == "" && addr.Unmap().IsLoopback()
}
