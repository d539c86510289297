package loopback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

const testState = "state-0123456789abcdefghijklmnopqrstuvwxyz"

func startServer(t *testing.T, host string) (*Server, string) {
	t.Helper()
	raw := "http://" + net.JoinHostPort(host, pdtest.FreePort(t)) + "/callback"
	u, err := ParseRedirectURI(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Listen(Config{RedirectURI: u, State: testState})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, raw
}

// get sends a request to the server with a Host header of host (empty: the
// URL's own) and returns the status and body.
func get(t *testing.T, method, rawURL, host string, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// assertWaiting checks that no result has been delivered yet.
func assertWaiting(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if code, err := s.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait() = %q, %v; want still waiting", code, err)
	}
}

func TestParseRedirectURI(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr string
	}{
		{raw: "http://localhost:5000/callback"},
		{raw: "http://127.0.0.1:8085/cb"},
		{raw: "http://[::1]:5000/callback"},
		{raw: "http://localhost/callback"},
		{raw: "https://localhost:5000/callback", wantErr: "scheme must be http"},
		{raw: "http://example.com:5000/callback", wantErr: "host must be localhost"},
		{raw: "http://10.0.0.1:5000/callback", wantErr: "host must be localhost"},
		{raw: "http://127.0.0.2:5000/callback", wantErr: "host must be localhost"},
		{raw: "http://[::ffff:127.0.0.1]:5000/callback", wantErr: "host must be localhost"},
		{raw: "http://localhost.:5000/callback", wantErr: "host must be localhost"},
		{raw: "http://localhost:5000/callback?x=1", wantErr: "must not contain"},
		{raw: "http://user@localhost:5000/callback", wantErr: "must not contain"},
		{raw: "http://localhost:0/callback", wantErr: "invalid port"},
		{raw: "http://localhost:99999/callback", wantErr: "invalid port"},
		{raw: "localhost:5000", wantErr: "invalid redirect URI"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := ParseRedirectURI(tt.raw)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("ParseRedirectURI() error = %v, want nil", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("ParseRedirectURI() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestListenLocalhostBindsBothFamilies(t *testing.T) {
	s, _ := startServer(t, "localhost")

	var families []string
	for _, addr := range s.Addrs() {
		ip := addr.(*net.TCPAddr).IP
		if ip.To4() != nil {
			families = append(families, "ipv4")
		} else {
			families = append(families, "ipv6")
		}
	}
	if len(families) == 0 || families[0] != "ipv4" {
		t.Fatalf("listening on %v, want 127.0.0.1 first", s.Addrs())
	}
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil {
		ln.Close()
		if len(families) != 2 {
			t.Fatalf("listening on %v, want both 127.0.0.1 and ::1 on a machine with IPv6", s.Addrs())
		}
	}
}

func TestListenPortInUse(t *testing.T) {
	holder, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	_, port, _ := net.SplitHostPort(holder.Addr().String())

	u, _ := ParseRedirectURI("http://localhost:" + port + "/callback")
	_, err = Listen(Config{RedirectURI: u, State: testState})

	var portErr *PortInUseError
	if !errors.As(err, &portErr) {
		t.Fatalf("Listen() error = %v, want *PortInUseError", err)
	}
	if !strings.Contains(portErr.Error(), port) {
		t.Errorf("error %q does not name port %s", portErr, port)
	}
}

func TestCallbackRejectsWithoutEndingWait(t *testing.T) {
	s, redirect := startServer(t, "127.0.0.1")
	u, _ := url.Parse(redirect)
	good := url.Values{"code": {"the-code"}, "state": {testState}}

	tests := []struct {
		name       string
		method     string
		path       string
		query      string
		host       string
		header     http.Header
		wantStatus int
	}{
		{name: "wrong host", method: "GET", path: "/callback", query: good.Encode(), host: "evil.example:" + u.Port(), wantStatus: 400},
		{name: "other path", method: "GET", path: "/favicon.ico", query: good.Encode(), wantStatus: 404},
		{name: "POST", method: "POST", path: "/callback", query: good.Encode(), wantStatus: 405},
		{name: "prefetch", method: "GET", path: "/callback", query: good.Encode(), header: http.Header{"Sec-Purpose": {"prefetch"}}, wantStatus: 503},
		{name: "wrong state", method: "GET", path: "/callback", query: "code=x&state=wrong", wantStatus: 400},
		{name: "missing state", method: "GET", path: "/callback", query: "code=x", wantStatus: 400},
		{name: "query over 8 KB", method: "GET", path: "/callback", query: good.Encode() + "&pad=" + strings.Repeat("a", 16<<10), wantStatus: 414},
		{name: "query of 100 KB", method: "GET", path: "/callback", query: good.Encode() + "&pad=" + strings.Repeat("a", 100<<10), wantStatus: 431},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "http://" + u.Host + tt.path + "?" + tt.query
			status, body := get(t, tt.method, target, tt.host, tt.header)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %q)", status, tt.wantStatus, body)
			}
			if strings.Contains(body, "the-code") || strings.Contains(body, testState) {
				t.Errorf("page echoes the code or state: %q", body)
			}
			assertWaiting(t, s)
		})
	}
}

func TestCallbackDeliversCode(t *testing.T) {
	s, redirect := startServer(t, "localhost")
	query := url.Values{"code": {"the-code"}, "state": {testState}}

	status, body := get(t, "GET", redirect+"?"+query.Encode(), "", nil)
	if status != http.StatusOK {
		t.Fatalf("status = %d, want 200", status)
	}
	if !strings.Contains(body, "close this tab") {
		t.Errorf("success page %q does not tell the user to close the tab", body)
	}

	code, err := s.Wait(context.Background())
	if err != nil || code != "the-code" {
		t.Fatalf("Wait() = %q, %v; want the-code", code, err)
	}
}

func TestCallbackPageHeaders(t *testing.T) {
	_, redirect := startServer(t, "127.0.0.1")
	resp, err := http.Get(redirect + "?code=c&state=" + testState)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	for header, want := range map[string]string{
		"Cache-Control":   "no-store",
		"Referrer-Policy": "no-referrer",
		"Content-Type":    "text/html; charset=utf-8",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
}

func TestCallbackErrorIsEscaped(t *testing.T) {
	s, redirect := startServer(t, "127.0.0.1")
	query := url.Values{
		"error":             {"access_denied"},
		"error_description": {`<script>alert("x")</script>`},
		"state":             {testState},
	}

	status, body := get(t, "GET", redirect+"?"+query.Encode(), "", nil)
	if status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", status)
	}
	if strings.Contains(body, "<script>") {
		t.Errorf("page contains the unescaped description: %q", body)
	}
	if !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("page %q does not show the escaped description", body)
	}

	_, err := s.Wait(context.Background())
	var authErr *AuthorizationError
	if !errors.As(err, &authErr) || authErr.Code != "access_denied" {
		t.Fatalf("Wait() error = %v, want access_denied", err)
	}
}

func TestCallbackDuplicatesAfterResult(t *testing.T) {
	s, redirect := startServer(t, "127.0.0.1")

	const callers = 20
	var wg sync.WaitGroup
	statuses := make([]int, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			query := url.Values{"code": {fmt.Sprintf("code-%d", i)}, "state": {testState}}
			statuses[i], _ = get(t, "GET", redirect+"?"+query.Encode(), "", nil)
		}()
	}
	wg.Wait()

	for i, status := range statuses {
		if status != http.StatusOK {
			t.Errorf("caller %d got status %d, want 200", i, status)
		}
	}
	code, err := s.Wait(context.Background())
	if err != nil || !strings.HasPrefix(code, "code-") {
		t.Fatalf("Wait() = %q, %v", code, err)
	}
	assertWaiting(t, s) // exactly one result was delivered
}

func TestCloseFreesPortWithOpenConnection(t *testing.T) {
	s, redirect := startServer(t, "127.0.0.1")
	u, _ := url.Parse(redirect)

	// A connection that never sends a request, as a browser's preconnect does.
	idle, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	start := time.Now()
	s.Close()
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Close took %s, want well under a second", elapsed)
	}

	l, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatalf("port not free after Close: %v", err)
	}
	l.Close()
}
