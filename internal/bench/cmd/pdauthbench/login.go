//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// loginSample is one measured pdauth login.
type loginSample struct {
	sample
	// CallbackToExit runs from the moment pdauthbench read the browser's
	// status line of the callback request to the moment wait4 returned for
	// pdauth in measure. Both are wall-clock readings of this machine.
	CallbackToExit time.Duration
	// TokenServer and UsersMeServer are the test server's handler times of
	// the code exchange and of GET /users/me.
	TokenServer   time.Duration
	UsersMeServer time.Duration
}

// Overhead is the part of CallbackToExit that is neither request, as the
// test server saw them: parsing, keychain writes, output and exit.
func (s loginSample) Overhead() time.Duration {
	return s.CallbackToExit - s.TokenServer - s.UsersMeServer
}

func (b *benchmark) benchLogin(ctx context.Context) error {
	floor := program{
		name: "loginfloor",
		argv: []string{b.bin("loginfloor"), "-oauth-url", b.server.URL(), "-client-id", pdtest.DefaultClientID, "-redirect-uri", b.redirect},
		check: func(out runOutput, requests []serverRequest) error {
			return checkLoginRequests(requests)
		},
	}

	logins := &series{Name: "pdauth login"}
	floors := &series{Name: floor.name}
	var details []loginSample
	for i := range b.opts.warmup + b.opts.loginPairs {
		login, err := b.runLogin(ctx)
		if err != nil {
			return fmt.Errorf("run %d of pdauth login: %w", i+1, err)
		}
		before := b.requests.count()
		floorSample, out, err := b.runProcess(ctx, b.env, floor.argv...)
		if err == nil {
			err = floor.check(out, b.requests.since(before))
		}
		if err != nil {
			return fmt.Errorf("run %d of %s: %w", i+1, floor.name, err)
		}
		if i >= b.opts.warmup {
			logins.Samples = append(logins.Samples, login.sample)
			floors.Samples = append(floors.Samples, floorSample)
			details = append(details, login)
		}
	}
	browserRSS, err := b.measureBrowserRSS(ctx)
	if err != nil {
		return err
	}

	b.printSection("pdauth login (BROWSER=pdtestserver browse) vs loginfloor (process start + authorize, token and /users/me requests)")
	ratio := b.printComparison(logins, floors)
	fmt.Fprintf(b.out, "  ratio of medians: %.2fx (no target; pdauth also starts the browser process, serves the callback and makes five keychain calls)\n", ratio)
	fmt.Fprintf(b.out, "  pdtestserver browse alone: median maxrss %s over %d runs; wait4 reports the larger of pdauth's and the browser's, because pdauth waits for the browser\n",
		formatMiB(median(browserRSS)), len(browserRSS))

	var callbackToExit, tokenServer, usersMeServer, overhead []time.Duration
	for _, d := range details {
		callbackToExit = append(callbackToExit, d.CallbackToExit)
		tokenServer = append(tokenServer, d.TokenServer)
		usersMeServer = append(usersMeServer, d.UsersMeServer)
		overhead = append(overhead, d.Overhead())
	}
	fmt.Fprintf(b.out, "  callback to exit: median %s, max %s; server time of the token request: median %s; of /users/me: median %s\n",
		formatMS(median(callbackToExit)), formatMS(percentile(callbackToExit, 1)),
		formatMS(median(tokenServer)), formatMS(median(usersMeServer)))
	worst := percentile(overhead, 1)
	b.printTarget("exit within 100 ms of the callback beyond the token and /users/me requests",
		fmt.Sprintf("median %s, p90 %s, max %s over %d logins", formatMS(median(overhead)), formatMS(percentile(overhead, 0.9)), formatMS(worst), len(overhead)),
		worst <= 100*time.Millisecond)
	return nil
}

// checkLoginRequests returns an error unless requests are exactly one
// authorization request, one token request and one GET /users/me.
func checkLoginRequests(requests []serverRequest) error {
	counts := map[string]int{}
	for _, request := range requests {
		counts[request.Path]++
	}
	if len(requests) != 3 || counts["/oauth/authorize"] != 1 || counts["/oauth/token"] != 1 || counts["/users/me"] != 1 {
		return fmt.Errorf("sent %v to the test server, want one each of /oauth/authorize, /oauth/token and /users/me", requests)
	}
	return nil
}

// runLogin runs pdauth login and times the callback from the browser's
// output: pdtestserver browse prints "GET http://localhost:PORT/callback:
// 200 OK" on stderr, which pdauth passes to its own stderr, once the
// callback response has arrived.
func (b *benchmark) runLogin(ctx context.Context) (loginSample, error) {
	ctx, cancel := context.WithTimeout(ctx, processTimeout)
	defer cancel()
	before := b.requests.count()

	// An os.Pipe, unlike an io.Writer, lets Wait return when measure exits
	// even if the browser still holds the write end.
	stderrReader, stderrWriter, err := os.Pipe()
	if err != nil {
		return loginSample{}, err
	}
	defer stderrReader.Close()

	var mu sync.Mutex
	var stderr strings.Builder
	var callbackAt time.Time
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		scanner := bufio.NewScanner(stderrReader)
		for scanner.Scan() {
			now := time.Now()
			line := scanner.Text()
			mu.Lock()
			stderr.WriteString(line + "\n")
			if callbackAt.IsZero() && strings.Contains(line, "/callback: ") {
				callbackAt = now
			}
			mu.Unlock()
		}
	}()

	var stdout bytes.Buffer
	m, err := b.startMeasured(ctx, b.env, &stdout, stderrWriter, b.bin("pdauth"), "login")
	stderrWriter.Close()
	if err != nil {
		return loginSample{}, err
	}
	s, err := m.wait()

	// In a successful login the browser has printed its last line before
	// pdauth exits, so EOF follows soon after.
	select {
	case <-readDone:
	case <-time.After(10 * time.Second):
		return loginSample{}, errors.New("stderr stayed open 10 s after pdauth exited")
	}
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		return loginSample{}, fmt.Errorf("%w\nstderr:\n%s", err, stderr.String())
	}
	if callbackAt.IsZero() {
		return loginSample{}, fmt.Errorf("the browser printed no callback status\nstderr:\n%s", stderr.String())
	}
	if stdout.Len() > 0 {
		return loginSample{}, fmt.Errorf("printed %q on stdout, want nothing", stdout.String())
	}

	requests := b.requests.since(before)
	if err := checkLoginRequests(requests); err != nil {
		return loginSample{}, err
	}
	result := loginSample{sample: s, CallbackToExit: s.End.Sub(callbackAt)}
	for _, request := range requests {
		switch request.Path {
		case "/oauth/token":
			result.TokenServer = request.Duration
		case "/users/me":
			result.UsersMeServer = request.Duration
		}
	}
	return result, nil
}

// measureBrowserRSS runs pdtestserver browse on a valid authorization URL
// whose redirect reaches a stand-in callback server, as in a login, and
// returns the peak RSS of each run.
func (b *benchmark) measureBrowserRSS(ctx context.Context) ([]int64, error) {
	redirect, err := url.Parse(b.redirect)
	if err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:"+redirect.Port())
	if err != nil {
		return nil, fmt.Errorf("could not listen on the callback port for the browser measurement: %w", err)
	}
	callback := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = callback.Serve(listener) }()
	defer callback.Close()

	// The verifier only has to hash to a valid challenge; no code is
	// exchanged.
	challenge := sha256.Sum256([]byte(strings.Repeat("v", 43)))
	authorize, err := url.Parse(b.server.URL() + "/oauth/authorize")
	if err != nil {
		return nil, err
	}
	authorize.RawQuery = url.Values{
		"client_id":             {pdtest.DefaultClientID},
		"redirect_uri":          {b.redirect},
		"response_type":         {"code"},
		"scope":                 {"read"},
		"state":                 {"pdauthbench"},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(challenge[:])},
		"code_challenge_method": {"S256"},
	}.Encode()

	const runs = 10
	var rss []int64
	for range runs {
		s, _, err := b.runProcess(ctx, b.env, b.bin("pdtestserver"), "browse", authorize.String())
		if err != nil {
			return nil, err
		}
		rss = append(rss, s.MaxRSS)
	}
	return rss, nil
}
