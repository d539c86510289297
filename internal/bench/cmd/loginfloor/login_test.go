package main

import (
	"context"
	"strings"
	"testing"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestLoginAgainstTestServer(t *testing.T) {
	const redirect = "http://localhost:1/callback"
	server, err := pdtest.Start(pdtest.Config{RedirectURIs: []string{redirect}})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()

	email, err := login(context.Background(), config{
		OAuthURL:    server.URL(),
		ClientID:    pdtest.DefaultClientID,
		RedirectURI: redirect,
		APIURL:      server.URL(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if email != "test.user@example.com" {
		t.Errorf("email = %q, want the test server's default user", email)
	}

	stats := server.Stats()
	if stats.AuthorizeRequests != 1 {
		t.Errorf("authorize requests = %d, want 1", stats.AuthorizeRequests)
	}
	if stats.CodeExchanges != 1 {
		t.Errorf("code exchanges = %d, want 1", stats.CodeExchanges)
	}
	if stats.UsersMeRequests != 1 {
		t.Errorf("/users/me requests = %d, want 1", stats.UsersMeRequests)
	}
}

func TestLoginRejectsRemoteURL(t *testing.T) {
	_, err := login(context.Background(), config{
		OAuthURL:    "http://identity.pagerduty.invalid",
		ClientID:    pdtest.DefaultClientID,
		RedirectURI: "http://localhost:1/callback",
		APIURL:      "http://127.0.0.1:1",
	})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("error = %v, want a loopback-only error before any request", err)
	}
}
