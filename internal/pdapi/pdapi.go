// Package pdapi calls PagerDuty's REST API through go-pagerduty.
package pdapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/PagerDuty/go-pagerduty"
)

// ErrUnauthorized is returned when the API responds with 401: the token is
// missing, invalid, expired or revoked.
var ErrUnauthorized = errors.New("PagerDuty rejected the access token (401 Unauthorized)")

// NewClient returns a go-pagerduty client that sends token as an OAuth
// bearer token to apiURL through httpClient. GET requests that fail with 429
// or a 5xx status are retried, since go-pagerduty v1.8.0 does not retry. In
// that version NewOAuthClient drops its options, so the endpoint is set
// through NewClient instead.
func NewClient(httpClient *http.Client, apiURL, token string) *pagerduty.Client {
	client := pagerduty.NewClient(token, pagerduty.WithOAuth(), pagerduty.WithAPIEndpoint(apiURL))
	next := httpClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	retrying := *httpClient
	retrying.Transport = &retryTransport{next: next, sleep: sleep}
	client.HTTPClient = &retrying
	return client
}

// CurrentUser returns the user the token belongs to (GET /users/me). A 401
// response is ErrUnauthorized.
func CurrentUser(ctx context.Context, client *pagerduty.Client) (*pagerduty.User, error) {
	user, err := client.GetCurrentUserWithContext(ctx, pagerduty.GetCurrentUserOptions{})
	if err == nil {
		return user, nil
	}

	var apiErr pagerduty.APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.StatusCode == http.StatusUnauthorized:
			return nil, ErrUnauthorized
		case apiErr.RateLimited():
			return nil, errors.New("could not get the current user: PagerDuty is still rate limiting requests (429) after retrying; try again in a minute")
		case apiErr.StatusCode >= 500:
			return nil, fmt.Errorf("could not get the current user: PagerDuty still failed after retrying: %w", err)
		}
	}
	return nil, fmt.Errorf("could not get the current user: %w", err)
}

// SubdomainFromHTMLURL returns the account subdomain in a user's html_url,
// such as "acme" for https://acme.pagerduty.com/users/P123, or "" when the
// URL is not on a pagerduty.com host.
func SubdomainFromHTMLURL(htmlURL string) string {
	u, err := url.Parse(htmlURL)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	for _, suffix := range []string{".eu.pagerduty.com", ".pagerduty.com"} {
		if sub, ok := strings.CutSuffix(host, suffix); ok && sub != "" && !strings.Contains(sub, ".") {
			return sub
		}
	}
	return ""
}
