package loopback

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParsePastedURL(t *testing.T) {
	redirect, _ := url.Parse("http://localhost:5000/callback")
	tests := []struct {
		name     string
		text     string
		wantCode string
		wantErr  string
	}{
		{name: "full URL", text: "http://localhost:5000/callback?code=abc&state=s", wantCode: "abc"},
		{name: "spaces around", text: "  http://localhost:5000/callback?code=abc&state=s \r", wantCode: "abc"},
		{name: "without scheme", text: "localhost:5000/callback?code=abc&state=s", wantCode: "abc"},
		{name: "other path", text: "http://localhost:5000/other?code=abc", wantErr: "path is not /callback"},
		{name: "no query", text: "http://localhost:5000/callback", wantErr: "no code or error"},
		{name: "not a URL", text: "http://a b/callback?code=secret", wantErr: "not a URL"},
		{name: "too long", text: "http://localhost:5000/callback?code=" + strings.Repeat("a", 9000), wantErr: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query, err := ParsePastedURL(tt.text, redirect)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePastedURL() error = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error %q repeats the pasted text", err)
				}
				return
			}
			if err != nil || query.Get("code") != tt.wantCode {
				t.Fatalf("ParsePastedURL() = %v, %v; want code %q", query, err, tt.wantCode)
			}
		})
	}
}

func TestSubmitChecksState(t *testing.T) {
	s, _ := startServer(t, "127.0.0.1")

	err := s.Submit(url.Values{"code": {"c"}, "state": {"wrong"}})
	if err == nil || !strings.Contains(err.Error(), "state parameter does not match") {
		t.Fatalf("Submit(wrong state) error = %v", err)
	}
	assertWaiting(t, s)

	if err := s.Submit(url.Values{"code": {"c"}, "state": {testState}}); err != nil {
		t.Fatalf("Submit() error = %v", err)
	}
	if err := s.Submit(url.Values{"code": {"d"}, "state": {testState}}); !errors.Is(err, ErrAlreadyDone) {
		t.Errorf("second Submit() error = %v, want ErrAlreadyDone", err)
	}
	if code, err := s.Wait(context.Background()); code != "c" || err != nil {
		t.Errorf("Wait() = %q, %v; want c", code, err)
	}
}
