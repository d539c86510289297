package loopback

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// fuzzRedirectURIs are the redirect URIs FuzzCallback picks from: with a
// port, without one (so the Host header may carry ":80"), with the root
// path, and with no path at all.
var fuzzRedirectURIs = []string{
	"http://127.0.0.1:5000/callback",
	"http://localhost/callback",
	"http://[::1]:8085/",
	"http://localhost:5000",
}

// callbacksPerInput is how many times FuzzCallback sends each request to
// the same server, to check that repeats never deliver a second result.
const callbacksPerInput = 3

var callbackStatuses = []int{
	http.StatusOK,
	http.StatusBadRequest,
	http.StatusNotFound,
	http.StatusMethodNotAllowed,
	http.StatusRequestURITooLong,
	http.StatusServiceUnavailable,
}

// FuzzCallback sends requests built from a fuzzed method, path, raw query,
// Host header and Sec-Purpose header straight to Server.ServeHTTP, without
// a listener. It checks the status, that the page escapes everything taken
// from the query, that the page shows the state only when the request's own
// error parameters contain it, and which requests deliver a result to Wait.
func FuzzCallback(f *testing.F) {
	good := url.Values{"code": {"the-code"}, "state": {testState}}.Encode()
	htmlError := url.Values{
		"error":             {"access_denied"},
		"error_description": {`<script>alert("x")</script>`},
		"state":             {testState},
	}.Encode()
	stateInDescription := url.Values{
		"error":             {"<b>" + testState + "</b>"},
		"error_description": {testState},
		"state":             {testState},
	}.Encode()

	f.Add(uint8(0), "GET", "/callback", good, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", htmlError, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", stateInDescription, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", "code=<i>x</i>&state=wrong", "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", "state=wrong&state="+testState+"&code=x", "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", "state="+testState, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", "code=%zz&state="+testState, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", "code=x;state="+testState, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", good, "127.0.0.1:5000", "prefetch;anonymous-client-ip")
	f.Add(uint8(0), "POST", "/callback", good, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/favicon.ico", good, "127.0.0.1:5000", "")
	f.Add(uint8(0), "GET", "/callback", good, "evil.example:5000", "")
	f.Add(uint8(0), "GET", "/callback", good+"&pad="+strings.Repeat("a", maxQueryLength), "127.0.0.1:5000", "")
	f.Add(uint8(1), "GET", "/callback", good, "localhost:80", "")
	f.Add(uint8(1), "GET", "/callback", good, "LOCALHOST", "")
	f.Add(uint8(2), "GET", "/", "error=server_error&error_description=%3C%2Fp%3E%0D%0A&state="+testState, "[::1]:8085", "")
	f.Add(uint8(3), "GET", "/", good, "localhost:5000", "")

	frames := pageFrames(f)

	f.Fuzz(func(t *testing.T, uriIndex uint8, method, path, rawQuery, host, secPurpose string) {
		redirect, err := ParseRedirectURI(fuzzRedirectURIs[int(uriIndex)%len(fuzzRedirectURIs)])
		if err != nil {
			t.Fatal(err)
		}
		// The channel has room for every call, so that a second delivery
		// shows up in len(s.result) instead of blocking the handler.
		s := &Server{
			cfg:    Config{RedirectURI: redirect, State: testState},
			result: make(chan callbackResult, callbacksPerInput),
		}
		query, _ := url.ParseQuery(rawQuery)

		deliveringStatus := 0
		for call := range callbacksPerInput {
			req := &http.Request{
				Method: method,
				URL:    &url.URL{Path: path, RawQuery: rawQuery},
				Host:   host,
				Header: http.Header{},
			}
			if secPurpose != "" {
				req.Header.Set("Sec-Purpose", secPurpose)
			}

			before := len(s.result)
			recorder := httptest.NewRecorder()
			s.ServeHTTP(recorder, req)
			delivered := len(s.result) > before
			status := recorder.Code
			body := recorder.Body.String()

			if !slices.Contains(callbackStatuses, status) {
				t.Errorf("call %d: status = %d, want one of %v", call, status, callbackStatuses)
			}
			if delivered {
				deliveringStatus = status
			}
			checkPageEscaped(t, call, body, frames)

			// The failure page of the delivering call shows the error and
			// error_description parameters, so the state may appear there
			// only when the request itself put it in one of them.
			echoed := query.Get("error") + "\n" + query.Get("error_description")
			if strings.Contains(body, testState) && !(delivered && strings.Contains(echoed, testState)) {
				t.Errorf("call %d: page contains the state: %q", call, body)
			}
		}

		deliveries := len(s.result)
		if deliveries > 1 {
			t.Fatalf("%d results delivered after %d identical calls, want at most 1", deliveries, callbacksPerInput)
		}
		checkDelivery(t, deliveries == 1, method, path, rawQuery, host, secPurpose, redirect)
		if deliveries == 0 {
			return
		}

		code, err := s.Wait(context.Background())
		checkResult(t, query, code, err)
		if err == nil && deliveringStatus != http.StatusOK {
			t.Errorf("delivering call: status = %d with code %q, want 200", deliveringStatus, code)
		}
		if err != nil && deliveringStatus != http.StatusBadRequest {
			t.Errorf("delivering call: status = %d with error %v, want 400", deliveringStatus, err)
		}
	})
}

// pageFrames renders each kind of page with an empty message. Every page
// the server writes must be one of these with only the message filled in.
func pageFrames(f *testing.F) []string {
	var frames []string
	for _, kind := range []pageKind{pageDone, pageFailed, pageRejected} {
		var b strings.Builder
		if err := renderPage(&b, pageTitle(kind), ""); err != nil {
			f.Fatal(err)
		}
		frames = append(frames, b.String())
	}
	return frames
}

// checkPageEscaped checks that body is one of frames with text inserted only
// into the message paragraph, and that this text contains no character that
// html.EscapeString escapes. A query value containing '<' can
// therefore never appear in the page unescaped.
func checkPageEscaped(t *testing.T, call int, body string, frames []string) {
	t.Helper()
	const open, closing = `<p id="message">`, "</p>"
	start := strings.Index(body, open)
	end := strings.LastIndex(body, closing)
	if start < 0 || end < start+len(open) {
		t.Errorf("call %d: page has no message paragraph: %q", call, body)
		return
	}

	message := body[start+len(open) : end]
	frame := body[:start+len(open)] + body[end:]
	if !slices.Contains(frames, frame) {
		t.Errorf("call %d: page outside the message differs from the template: %q", call, body)
	}
	if strings.ContainsAny(message, `<>"'`) {
		t.Errorf("call %d: message contains unescaped HTML: %q", call, message)
	}
}

// checkDelivery checks which requests end the wait. A request that differs
// from the registered callback in state, method, path, host, size or
// purpose never delivers a result. A GET of the exact redirect URI with the
// right state, the redirect URI's own Host header and no Sec-Purpose header
// always does.
func checkDelivery(t *testing.T, delivered bool, method, path, rawQuery, host, secPurpose string, redirect *url.URL) {
	t.Helper()
	query, _ := url.ParseQuery(rawQuery)
	wantPath := redirect.Path
	if wantPath == "" {
		wantPath = "/"
	}

	rejections := []struct {
		reason  string
		applies bool
	}{
		{"state differs", query.Get("state") != testState},
		{"method is not GET", method != http.MethodGet},
		{"path is not the redirect path", path != wantPath},
		{"Host header does not contain the redirect host name", !strings.Contains(strings.ToLower(host), strings.ToLower(redirect.Hostname()))},
		{"Sec-Purpose is a prefetch", strings.Contains(strings.ToLower(secPurpose), "prefetch")},
		{"query is longer than maxQueryLength", len(rawQuery) > maxQueryLength},
	}
	for _, rejection := range rejections {
		if delivered && rejection.applies {
			t.Errorf("a result was delivered although the %s (state %q, method %q, path %q, host %q, Sec-Purpose %q)",
				rejection.reason, query.Get("state"), method, path, host, secPurpose)
		}
	}

	exact := method == http.MethodGet && path == wantPath && host == redirect.Host &&
		secPurpose == "" && len(rawQuery) <= maxQueryLength && query.Get("state") == testState
	if exact && !delivered {
		t.Errorf("no result delivered for a GET of the redirect URI with the right state (query %q)", rawQuery)
	}
}

// checkResult compares what Wait returned with the query of the delivering
// request: an error parameter wins over a code, and a query with neither is
// an error too.
func checkResult(t *testing.T, query url.Values, code string, err error) {
	t.Helper()
	var authErr *AuthorizationError
	switch {
	case query.Get("error") != "":
		if !errors.As(err, &authErr) || authErr.Code != query.Get("error") {
			t.Errorf("Wait() = %q, %v; want an *AuthorizationError with code %q", code, err, query.Get("error"))
		}
	case query.Get("code") != "":
		if err != nil || code != query.Get("code") {
			t.Errorf("Wait() = %q, %v; want code %q", code, err, query.Get("code"))
		}
	default:
		if !errors.As(err, &authErr) {
			t.Errorf("Wait() = %q, %v; want an *AuthorizationError for a callback without code or error", code, err)
		}
	}
	if err != nil && code != "" {
		t.Errorf("Wait() returned code %q together with error %v", code, err)
	}
}
