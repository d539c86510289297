package loopback

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParsePastedURL checks the parser of addresses pasted into the
// terminal: it never panics, accepts only the redirect path with a query,
// never repeats the pasted text in an error, and a parsed query delivers a
// result only when its state matches.
func FuzzParsePastedURL(f *testing.F) {
	for _, seed := range []string{
		"http://localhost:5000/callback?code=abc&state=" + testState,
		"localhost:5000/callback?error=access_denied&error_description=%3Cb%3E&state=" + testState,
		"  http://127.0.0.1:5000/callback?code=abc&state=wrong  ",
		"http://localhost:5000/other?code=abc",
		"http://localhost:5000/callback",
		"http://a b/callback?code=SECRETSECRET",
		"https://localhost:5000/callback?code=%zz",
		"",
	} {
		f.Add(seed)
	}
	redirect, _ := url.Parse("http://localhost:5000/callback")

	f.Fuzz(func(t *testing.T, text string) {
		query, err := ParsePastedURL(text, redirect)
		if err != nil {
			if len(text) >= 12 && strings.Contains(err.Error(), text) {
				t.Fatalf("error %q repeats the pasted text", err)
			}
			return
		}
		if len(query) == 0 {
			t.Fatal("accepted a URL without a query")
		}

		s := &Server{cfg: Config{RedirectURI: redirect, State: testState}, result: make(chan callbackResult, 2)}
		submitErr := s.Submit(query)
		delivered := len(s.result)
		if query.Get("state") != testState && (submitErr == nil || delivered != 0) {
			t.Fatalf("a wrong state delivered a result (error %v, %d results)", submitErr, delivered)
		}
		if query.Get("state") == testState && (submitErr != nil || delivered != 1) {
			t.Fatalf("the right state did not deliver one result (error %v, %d results)", submitErr, delivered)
		}
	})
}
