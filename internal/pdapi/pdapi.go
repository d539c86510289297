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
// bearer token to apiURL. In go-pagerduty v1.8.0, NewOAuthClient drops its
// options, so the endpoint is set through NewClient instead.
func NewClient(httpClient *http.Client, apiURL, token string) *pagerduty.Client {
	client := pagerduty.NewClient(token, pagerduty.WithOAuth(), pagerduty.WithAPIEndpoint(apiURL))
	client.HTTPClient = httpClient
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
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		return nil, ErrUnauthorized
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
