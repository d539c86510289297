// Package pdoauth holds what is specific to PagerDuty's OAuth 2.0 service:
// its endpoints, the claims of its id_token, the REST API URL a token
// belongs to, and readable token endpoint errors.
package pdoauth

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/pdauth/pdauth/internal/loopback"
)

// DefaultBaseURL is PagerDuty's identity service, for US and EU accounts
// alike.
const DefaultBaseURL = "https://identity.pagerduty.com"

// PagerDuty's REST API base URLs. A token from DefaultBaseURL is only ever
// sent to one of these.
const (
	APIURLUS = "https://api.pagerduty.com"
	APIURLEU = "https://api.eu.pagerduty.com"
)

// Endpoint returns the authorize and token endpoints under baseURL. Client
// credentials go in the form body (AuthStyleInParams): a public client has
// no secret for Basic auth, and x/oauth2's style detection would retry a
// failed exchange and so spend the single-use code twice.
func Endpoint(baseURL string) oauth2.Endpoint {
	base := strings.TrimSuffix(baseURL, "/")
	return oauth2.Endpoint{
		AuthURL:   base + "/oauth/authorize",
		TokenURL:  base + "/oauth/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// ParseServiceURL checks a base URL taken from a setting: it must be https,
// or http on a loopback host (a test server). It returns the URL without a
// trailing slash. name is the setting, used in the error.
func ParseServiceURL(name, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("invalid %s %q: not an absolute URL", name, redactedText(raw))
	}
	raw = u.Redacted() // the password of a user:password@ URL stays out of messages
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback.IsLoopbackHost(u.Hostname()):
	default:
		return "", fmt.Errorf("invalid %s %q: use https, or http only on localhost", name, raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid %s %q: it must not contain user info, a query or a fragment", name, raw)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// RegionName returns "US" or "EU" for PagerDuty's REST URLs, and the host
// for anything else.
func RegionName(apiURL string) string {
	switch strings.TrimSuffix(apiURL, "/") {
	case APIURLUS:
		return "US"
	case APIURLEU:
		return "EU"
	}
	if u, err := url.Parse(apiURL); err == nil && u.Host != "" {
		return u.Host
	}
	return apiURL
}

// redactedText returns raw with the password of a user:password@ URL
// replaced, also when raw does not parse as a URL.
func redactedText(raw string) string {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found {
		return raw
	}
	userinfo, host, found := strings.Cut(rest, "@")
	if !found || strings.Contains(userinfo, "/") {
		return raw
	}
	if user, _, hasPassword := strings.Cut(userinfo, ":"); hasPassword {
		return scheme + "://" + user + ":xxxxx@" + host
	}
	return raw
}
