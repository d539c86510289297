package pdoauth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/pdauth/pdauth/internal/loopback"
)

// APIURL picks the REST base URL for a token issued by the identity service
// at oauthBaseURL, from the id_token's aud claim. Tokens from PagerDuty's own
// service may only go to APIURLUS or APIURLEU, so a token is never sent
// anywhere else. A custom identity service (a test server) may also name an
// http or https URL on a loopback host.
//
// Without an aud claim, PagerDuty's own service falls back to APIURLUS. A
// custom service gets an error instead, so that its token never goes to
// PagerDuty: the caller then needs an explicit API URL.
func APIURL(aud []string, oauthBaseURL string) (string, error) {
	official := strings.TrimSuffix(oauthBaseURL, "/") == DefaultBaseURL

	for _, candidate := range aud {
		candidate = strings.TrimSuffix(candidate, "/")
		if candidate == APIURLUS || candidate == APIURLEU {
			return candidate, nil
		}
		if !official && isLoopbackURL(candidate) {
			return candidate, nil
		}
	}

	switch {
	case len(aud) > 0:
		return "", fmt.Errorf("the id_token names an unexpected REST API URL %q; pdauth sends tokens only to %s or %s", strings.Join(aud, ", "), APIURLUS, APIURLEU)
	case official:
		return APIURLUS, nil
	default:
		return "", errors.New("the id_token names no REST API URL (aud claim); set PDAUTH_API_URL")
	}
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return loopback.IsLoopbackHost(u.Hostname())
}
