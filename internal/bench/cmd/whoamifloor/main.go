// Command whoamifloor is the floor that pdauthbench compares `pdauth whoami`
// with: one process start, one keychain read and one GET /users/me. It
// reads pdauth's keychain entry (service "pdauth", account PROFILE, default
// "default"), takes the access token and REST API URL from the stored JSON
// record, sends GET API_URL/users/me, and prints the response body.
//
// Usage:
//
//	whoamifloor [PROFILE]
//
// The API URL must be http on localhost or a loopback IP, because the
// benchmark only talks to its test server. It exits with 1 on any failure.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pdauth/pdauth/internal/bench"
)

// record is the part of pdauth's stored login that a /users/me request
// needs.
type record struct {
	AccessToken string `json:"access_token"`
	APIURL      string `json:"api_url"`
}

func main() {
	profile := "default"
	if len(os.Args) > 1 {
		profile = os.Args[1]
	}
	if err := run(profile); err != nil {
		fmt.Fprintf(os.Stderr, "whoamifloor: %v\n", err)
		os.Exit(1)
	}
}

func run(profile string) error {
	secret, err := keyring.Get("pdauth", profile)
	if err != nil {
		return fmt.Errorf("could not read service pdauth, account %s: %w", profile, err)
	}
	var login record
	if err := json.Unmarshal([]byte(secret), &login); err != nil {
		return fmt.Errorf("stored login is not valid JSON: %w", err)
	}
	apiURL, err := bench.ParseLoopbackURL(login.APIURL)
	if err != nil {
		return err
	}

	req, err := http.NewRequest(http.MethodGet, apiURL.JoinPath("users", "me").String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+login.AccessToken)
	req.Header.Set("Accept", "application/vnd.pagerduty+json;version=2")

	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /users/me returned %s", resp.Status)
	}
	_, err = os.Stdout.Write(append(body, '\n'))
	return err
}
