package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/pdauth/pdauth/internal/bench"
)

// config contains the settings of one login.
type config struct {
	OAuthURL    string
	ClientID    string
	RedirectURI string
	APIURL      string
}

// login runs the three requests and returns the email from /users/me.
func login(ctx context.Context, cfg config) (string, error) {
	oauthURL, err := bench.ParseLoopbackURL(cfg.OAuthURL)
	if err != nil {
		return "", err
	}
	apiURL, err := bench.ParseLoopbackURL(cfg.APIURL)
	if err != nil {
		return "", err
	}

	// No redirect is followed: the code is read from the Location header.
	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	verifier := randomString()
	state := randomString()
	code, err := authorize(ctx, client, oauthURL, cfg, verifier, state)
	if err != nil {
		return "", err
	}
	token, err := exchange(ctx, client, oauthURL, cfg, code, verifier)
	if err != nil {
		return "", err
	}
	return currentUserEmail(ctx, client, apiURL, token)
}

// authorize sends the authorization request and returns the code from the
// redirect to the redirect URI.
func authorize(ctx context.Context, client *http.Client, oauthURL *url.URL, cfg config, verifier, state string) (string, error) {
	challenge := sha256.Sum256([]byte(verifier))
	query := url.Values{
		"client_id":             {cfg.ClientID},
		"redirect_uri":          {cfg.RedirectURI},
		"response_type":         {"code"},
		"scope":                 {"read"},
		"state":                 {state},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(challenge[:])},
		"code_challenge_method": {"S256"},
	}
	target := oauthURL.JoinPath("oauth", "authorize")
	target.RawQuery = query.Encode()

	resp, err := get(ctx, client, target.String(), nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("authorization request returned %s, want 302 Found", resp.Status)
	}

	location, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return "", fmt.Errorf("invalid redirect Location: %w", err)
	}
	params := location.Query()
	if params.Get("state") != state {
		return "", errors.New("redirect state does not match the request")
	}
	if params.Get("code") == "" {
		return "", fmt.Errorf("redirect carries no code (error %q)", params.Get("error"))
	}
	return params.Get("code"), nil
}

// exchange trades the code for an access token with one POST.
func exchange(ctx context.Context, client *http.Client, oauthURL *url.URL, cfg config, code, verifier string) (string, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {cfg.RedirectURI},
		"client_id":     {cfg.ClientID},
		"code_verifier": {verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, oauthURL.JoinPath("oauth", "token").String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")

	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token request returned %s", resp.Status)
	}
	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&token); err != nil {
		return "", fmt.Errorf("token response is not valid JSON: %w", err)
	}
	if token.AccessToken == "" {
		return "", errors.New("token response has no access_token")
	}
	return token.AccessToken, nil
}

// currentUserEmail sends GET /users/me with the token.
func currentUserEmail(ctx context.Context, client *http.Client, apiURL *url.URL, token string) (string, error) {
	resp, err := get(ctx, client, apiURL.JoinPath("users", "me").String(), http.Header{
		"Authorization": {"Bearer " + token},
		"Accept":        {"application/vnd.pagerduty+json;version=2"},
	})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /users/me returned %s", resp.Status)
	}
	var body struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("/users/me response is not valid JSON: %w", err)
	}
	return body.User.Email, nil
}

func get(ctx context.Context, client *http.Client, target string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	for name, values := range header {
		req.Header[name] = values
	}
	return client.Do(req)
}

// randomString returns 32 random bytes in base64url without padding: 43
// characters, a valid PKCE code verifier.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}
