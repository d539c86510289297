package pdapi

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Retry limits for GET requests that fail with 429 or a 5xx status: at most maxTries requests, and at most maxRetryWait of waiting
// between them in all.
const (
	maxTries     = 3
	maxRetryWait = 10 * time.Second
	defaultWait  = time.Second // when the response names no wait
)

// retryTransport retries idempotent GET requests that fail with 429 Too
// Many Requests or a 5xx status. It waits as long as the ratelimit-reset or
// Retry-After header requests (in seconds), or defaultWait, within the limits
// above. The last response is returned as it came, so the caller reports
// the real status.
type retryTransport struct {
	next  http.RoundTripper
	sleep func(ctx context.Context, d time.Duration) error
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		return t.next.RoundTrip(req)
	}

	var waited time.Duration
	for try := 1; ; try++ {
		resp, err := t.next.RoundTrip(req)
		if err != nil || !retryable(resp.StatusCode) || try == maxTries {
			return resp, err
		}

		wait := retryWait(resp.Header)
		if waited+wait > maxRetryWait {
			return resp, nil
		}
		resp.Body.Close()
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// retryWait reads how long to wait before the next try. PagerDuty sends
// ratelimit-reset, in seconds; other servers may send Retry-After in
// seconds. An HTTP-date Retry-After, or none, means defaultWait.
func retryWait(h http.Header) time.Duration {
	for _, name := range []string{"Ratelimit-Reset", "Retry-After"} {
		if seconds, err := strconv.Atoi(h.Get(name)); err == nil && seconds >= 0 {
			return time.Duration(seconds) * time.Second
		}
	}
	return defaultWait
}

// sleep is the wait between tries; tests replace it.
var sleep = sleepContext

// sleepContext waits for d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
