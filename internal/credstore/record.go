// Package credstore stores a profile's login record in the operating
// system's keychain: macOS Keychain, Windows Credential Manager, or the
// Secret Service on Linux, through github.com/zalando/go-keyring.
package credstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MaxRecordSize is the largest encoded record Save accepts, in bytes.
// Windows Credential Manager rejects secrets over 2,560 bytes, so the limit
// leaves room below it on every platform.
const MaxRecordSize = 2000

// Record is the login pdauth keeps for one profile. It contains the secrets
// (access and refresh token) and the facts needed to use and refresh them without
// another network call. The raw id_token is not kept.
type Record struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"` // zero: the token endpoint sent no expires_in
	Scope        string    `json:"scope,omitempty"` // as granted, e.g. "openid read"

	ClientID string `json:"client_id"`
	TokenURL string `json:"token_url"` // the token endpoint that issued the tokens, used to refresh them
	APIURL   string `json:"api_url"`   // REST base URL for the account's region

	Subdomain string `json:"subdomain,omitempty"`
	Region    string `json:"region,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	UserName  string `json:"user_name,omitempty"`  // from /users/me at login, for status
	UserEmail string `json:"user_email,omitempty"` // from /users/me at login, for status
}

// Encode returns the record as JSON, or an error when it is invalid or larger
// than MaxRecordSize.
func (r *Record) Encode() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("could not encode the login record: %w", err)
	}
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("login record is %d bytes, more than the %d bytes a keychain entry may hold", len(data), MaxRecordSize)
	}
	return data, nil
}

// DecodeRecord parses a stored record and checks that it has the fields
// every command needs.
func DecodeRecord(data []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, errors.New("stored login record is not valid JSON")
	}
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("stored login record is invalid: %w", err)
	}
	return &r, nil
}

func (r *Record) validate() error {
	switch {
	case r.AccessToken == "":
		return errors.New("missing access token")
	case r.ClientID == "":
		return errors.New("missing client ID")
	case r.TokenURL == "":
		return errors.New("missing token URL")
	case r.APIURL == "":
		return errors.New("missing API URL")
	}
	return nil
}

// RefreshBefore is how long before its expiry an access token is refreshed,
// so that a token handed to a script does not expire while the script runs.
const RefreshBefore = 5 * time.Minute

// NeedsLogin reports whether the access token has expired and there is no
// refresh token to renew it.
func (r *Record) NeedsLogin(now time.Time) bool {
	return r.RefreshToken == "" && r.ExpiresWithin(now, 0)
}

// NeedsRefresh reports whether the access token should be refreshed before
// use: it expires within RefreshBefore of now and there is a refresh token.
// A token whose whole lifetime is shorter than RefreshBefore always needs it.
func (r *Record) NeedsRefresh(now time.Time) bool {
	return r.RefreshToken != "" && r.ExpiresWithin(now, RefreshBefore)
}

// ExpiresWithin reports whether the access token expires within d of now. A
// record without an expiry never expires.
func (r *Record) ExpiresWithin(now time.Time, d time.Duration) bool {
	if r.Expiry.IsZero() {
		return false
	}
	return !now.Add(d).Before(r.Expiry)
}
