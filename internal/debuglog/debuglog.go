// Package debuglog writes pdauth's --debug trace: one line per HTTP request
// and response, with every token, code, state, verifier and secret replaced
// by a marker.
package debuglog

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/pdauth/pdauth/internal/termtext"
)

// Marker replaces every secret value in the trace.
const Marker = "[redacted]"

// Header is the first line of a trace.
const Header = "debug: this is a debug trace; tokens, codes, state, verifiers and secrets are replaced by " + Marker + ", but review it before you share it"

// sensitive lists the query and form parameters whose values are secret.
// code_challenge is public by design (RFC 7636 section 4.2) and is kept.
var sensitive = map[string]bool{
	"code": true, "state": true, "code_verifier": true, "client_secret": true,
	"access_token": true, "refresh_token": true, "id_token": true, "token": true,
}

// Values formats v as a query string in key order, with every sensitive
// value replaced by Marker.
func Values(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var parts []string
	for _, k := range keys {
		for _, value := range v[k] {
			if sensitive[strings.ToLower(k)] {
				value = Marker
			}
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(value))
		}
	}
	return strings.ReplaceAll(strings.Join(parts, "&"), url.QueryEscape(Marker), Marker)
}

// URL formats u without user info, with sensitive query values replaced.
func URL(u *url.URL) string {
	clean := *u
	clean.User = nil
	clean.RawQuery = ""
	clean.ForceQuery = false
	clean.Fragment = ""
	s := clean.String()
	if u.RawQuery != "" {
		s += "?" + Values(u.Query())
	}
	return s
}

// Transport logs each request and response passing through Next to Out.
// It never logs a response body or the Authorization header's value.
type Transport struct {
	Next http.RoundTripper
	Out  io.Writer
}

// RoundTrip logs req, sends it, and logs the response status or the error.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	fmt.Fprintf(t.Out, "debug: > %s %s\n", req.Method, URL(req.URL))
	if auth := req.Header.Get("Authorization"); auth != "" {
		scheme, _, _ := strings.Cut(auth, " ")
		fmt.Fprintf(t.Out, "debug: > Authorization: %s %s\n", scheme, Marker)
	}
	if form := formBody(req); form != nil {
		fmt.Fprintf(t.Out, "debug: > form: %s\n", Values(form))
	}

	start := time.Now()
	resp, err := t.Next.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(t.Out, "debug: < error after %s: %v\n", elapsed, err)
		return nil, err
	}
	fmt.Fprintf(t.Out, "debug: < %s %s (%s)\n", resp.Proto, termtext.Printable(resp.Status), elapsed)
	return resp, nil
}

// formBody returns the parsed form of a form-encoded request body, read
// through GetBody so that the body sent is not consumed.
func formBody(req *http.Request) url.Values {
	if req.GetBody == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil
	}
	defer body.Close()

	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(body, 64<<10)); err != nil {
		return nil
	}
	form, err := url.ParseQuery(buf.String())
	if err != nil {
		return nil
	}
	return form
}
