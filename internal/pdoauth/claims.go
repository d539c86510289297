package pdoauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Claims are the id_token claims pdauth uses. PagerDuty puts the account's
// REST base URL in aud.
type Claims struct {
	Audience  []string `json:"-"`
	Subdomain string   `json:"subdomain"`
	Region    string   `json:"region"`
	AccountID string   `json:"account_id"`
	UserID    string   `json:"user_id"`
}

// ParseIDToken decodes the claims of a JWT without checking its signature.
// That is safe here because the token came straight from the token endpoint
// over TLS (OpenID Connect Core 1.0, section 3.1.3.7, item 6), and pdauth
// uses the claims only to pick among the REST URLs that APIURL allows.
func ParseIDToken(raw string) (Claims, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("invalid id_token: not a JWT")
	}

	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, errors.New("invalid id_token: the payload is not base64url")
	}

	var c struct {
		Claims
		Audience json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return Claims{}, errors.New("invalid id_token: the payload is not a JSON object")
	}

	c.Claims.Audience, err = parseAudience(c.Audience)
	if err != nil {
		return Claims{}, err
	}
	return c.Claims, nil
}

// parseAudience reads aud, which RFC 7519 section 4.1.3 allows to be a
// string or an array of strings.
func parseAudience(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var single string
	if err := json.Unmarshal(raw, &single); err == nil {
		return []string{single}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("invalid id_token: aud is neither a string nor a list of strings")
	}
	return many, nil
}
