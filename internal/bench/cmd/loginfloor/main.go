// Command loginfloor is the floor that pdauthbench compares `pdauth login`
// with: one process start and the three requests a login needs, without a
// browser, a callback server or a keychain. It sends the authorization
// request with PKCE and takes the code from the redirect without following
// it, exchanges the code with one POST to the token endpoint, and sends GET
// /users/me with the new token. It prints the user's email.
//
// Usage:
//
//	loginfloor -oauth-url URL -client-id ID -redirect-uri URI [-api-url URL]
//
// The OAuth and API URLs must be http on localhost or a loopback IP, because
// the benchmark only talks to its test server. It exits with 1 on any
// failure and 2 on a usage error.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	var cfg config
	flags := flag.NewFlagSet("loginfloor", flag.ContinueOnError)
	flags.StringVar(&cfg.OAuthURL, "oauth-url", "", "base `URL` of /oauth/authorize and /oauth/token")
	flags.StringVar(&cfg.ClientID, "client-id", "", "OAuth client `ID`")
	flags.StringVar(&cfg.RedirectURI, "redirect-uri", "", "registered redirect `URI`")
	flags.StringVar(&cfg.APIURL, "api-url", "", "REST API base `URL` (default: the OAuth URL)")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if cfg.OAuthURL == "" || cfg.ClientID == "" || cfg.RedirectURI == "" {
		fmt.Fprintln(os.Stderr, "loginfloor: -oauth-url, -client-id and -redirect-uri are required")
		os.Exit(2)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = cfg.OAuthURL
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	email, err := login(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "loginfloor: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(email)
}
