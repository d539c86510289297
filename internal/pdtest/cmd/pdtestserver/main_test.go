package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestParseServeFlags(t *testing.T) {
	tests := []struct {
		name             string
		args             []string
		wantRedirectURIs []string
		wantClientID     string
		wantRegion       string
		wantAPIURL       string
	}{
		{
			name:         "defaults",
			wantClientID: pdtest.DefaultClientID,
			wantRegion:   "us",
		},
		{
			name: "repeated and comma-separated redirect URIs",
			args: []string{
				"-redirect-uri", "http://127.0.0.1:8085/callback",
				"-redirect-uri", "http://localhost:8086/a, http://[::1]:8087/b",
			},
			wantRedirectURIs: []string{"http://127.0.0.1:8085/callback", "http://localhost:8086/a", "http://[::1]:8087/b"},
			wantClientID:     pdtest.DefaultClientID,
			wantRegion:       "us",
		},
		{
			name:         "client, region and API URL",
			args:         []string{"-client-id", "abc", "-region", "eu", "-api-url", "http://127.0.0.1:9/api"},
			wantClientID: "abc",
			wantRegion:   "eu",
			wantAPIURL:   "http://127.0.0.1:9/api",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServeFlags(tt.args, io.Discard)
			if err != nil {
				t.Fatalf("parseServeFlags: %v", err)
			}

			if !slices.Equal(cfg.RedirectURIs, tt.wantRedirectURIs) {
				t.Errorf("RedirectURIs = %q, want %q", cfg.RedirectURIs, tt.wantRedirectURIs)
			}
			if cfg.ClientID != tt.wantClientID {
				t.Errorf("ClientID = %q, want %q", cfg.ClientID, tt.wantClientID)
			}
			if cfg.Region != tt.wantRegion {
				t.Errorf("Region = %q, want %q", cfg.Region, tt.wantRegion)
			}
			if cfg.APIURL != tt.wantAPIURL {
				t.Errorf("APIURL = %q, want %q", cfg.APIURL, tt.wantAPIURL)
			}
		})
	}
}

func TestRunServeRejects(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"all interfaces", []string{"-addr", "0.0.0.0:0"}, 1, "not a loopback IP address"},
		{"remote API URL", []string{"-api-url", "https://api.pagerduty.com"}, 1, "does not name a loopback host"},
		{"remote redirect URI", []string{"-redirect-uri", "https://example.com/cb"}, 1, "does not name a loopback host"},
		{"empty redirect URI", []string{"-redirect-uri", "http://localhost:1/cb,"}, 2, "empty URI"},
		{"unknown flag", []string{"-port", "80"}, 2, "flag provided but not defined"},
		{"extra argument", []string{"serve"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr pdtest.SyncBuffer

			code := run(context.Background(), tt.args, &stdout, &stderr)

			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantStderr)
			}
			if stdout.String() != "" {
				t.Errorf("stdout = %q, want empty", stdout.String())
			}
		})
	}
}

func TestRunServePrintsURL(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutReader, stdoutWriter := io.Pipe()
	var stderr pdtest.SyncBuffer
	exitCode := make(chan int, 1)
	go func() {
		exitCode <- run(ctx, nil, stdoutWriter, &stderr)
		stdoutWriter.Close()
	}()

	stdout := bufio.NewReader(stdoutReader)
	line, err := stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("read URL line: %v; stderr %s", err, stderr.String())
	}
	baseURL := strings.TrimSuffix(line, "\n")
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") {
		t.Errorf("URL line = %q, want http://127.0.0.1:PORT", baseURL)
	}

	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 5 * time.Second}
	resp, err := client.Get(baseURL + "/users/me")
	if err != nil {
		t.Fatalf("GET /users/me: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /users/me status = %d, want 401", resp.StatusCode)
	}

	cancel()
	rest, err := io.ReadAll(stdout)
	if err != nil {
		t.Fatalf("read rest of stdout: %v", err)
	}
	if len(rest) != 0 {
		t.Errorf("stdout after the URL line = %q, want nothing", rest)
	}
	if code := <-exitCode; code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	if !strings.Contains(stderr.String(), "/oauth/authorize") {
		t.Errorf("stderr %q does not name the authorization endpoint", stderr.String())
	}
}
