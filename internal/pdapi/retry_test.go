package pdapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedAPI serves /users/me with the given responses in turn, repeating
// the last one.
type scriptedAPI struct {
	mu        sync.Mutex
	responses []func(http.ResponseWriter)
	requests  int
}

func (s *scriptedAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := min(s.requests, len(s.responses)-1)
	s.requests++
	s.mu.Unlock()
	s.responses[i](w)
}

func apiError(status, code int, headers map[string]string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":{"message":"error","code":` + strconv.Itoa(code) + `}}`))
	}
}

func userOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"user":{"id":"PXUSR01","name":"Test User","email":"test.user@example.com"}}`))
}

func TestCurrentUserRetries(t *testing.T) {
	tests := []struct {
		name         string
		responses    []func(http.ResponseWriter)
		wantRequests int
		wantSlept    time.Duration
		wantErr      string
	}{
		{
			name:         "429 then success",
			responses:    []func(http.ResponseWriter){apiError(429, 2020, map[string]string{"ratelimit-reset": "2"}), userOK},
			wantRequests: 2,
			wantSlept:    2 * time.Second,
		},
		{
			name:         "Retry-After honoured",
			responses:    []func(http.ResponseWriter){apiError(429, 2020, map[string]string{"Retry-After": "3"}), userOK},
			wantRequests: 2,
			wantSlept:    3 * time.Second,
		},
		{
			name:         "5xx three times",
			responses:    []func(http.ResponseWriter){apiError(503, 0, nil)},
			wantRequests: 3,
			wantSlept:    2 * time.Second,
			wantErr:      "still failed after retrying",
		},
		{
			name:         "reset beyond the budget",
			responses:    []func(http.ResponseWriter){apiError(429, 2020, map[string]string{"ratelimit-reset": "60"})},
			wantRequests: 1,
			wantErr:      "rate limiting requests (429)",
		},
		{
			name:         "budget used up",
			responses:    []func(http.ResponseWriter){apiError(429, 2020, map[string]string{"ratelimit-reset": "6"})},
			wantRequests: 2,
			wantSlept:    6 * time.Second,
			wantErr:      "rate limiting requests (429)",
		},
		{
			name:         "401 is not retried",
			responses:    []func(http.ResponseWriter){apiError(401, 2006, nil)},
			wantRequests: 1,
			wantErr:      ErrUnauthorized.Error(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &scriptedAPI{responses: tt.responses}
			server := httptest.NewServer(api)
			defer server.Close()

			var slept time.Duration
			sleep = func(_ context.Context, d time.Duration) error { slept += d; return nil }
			defer func() { sleep = sleepContext }()

			client := NewClient(&http.Client{Timeout: 5 * time.Second}, server.URL, "pdus+_0token")
			user, err := CurrentUser(context.Background(), client)

			if tt.wantErr == "" && (err != nil || user.ID != "PXUSR01") {
				t.Errorf("CurrentUser() = %v, %v; want the user", user, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("CurrentUser() error = %v, want %q", err, tt.wantErr)
			}
			if api.requests != tt.wantRequests {
				t.Errorf("requests = %d, want %d", api.requests, tt.wantRequests)
			}
			if slept != tt.wantSlept {
				t.Errorf("waited %s, want %s", slept, tt.wantSlept)
			}
		})
	}
}

func TestRetryWaitEndsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rateLimited := apiError(429, 2020, map[string]string{"ratelimit-reset": "5"})
	api := &scriptedAPI{responses: []func(http.ResponseWriter){func(w http.ResponseWriter) {
		rateLimited(w)
		cancel() // Ctrl-C while pdauth waits to retry
	}}}
	server := httptest.NewServer(api)
	defer server.Close()

	// go-pagerduty formats the transport error with %v, so only the text
	// of context.Canceled survives.
	client := NewClient(&http.Client{}, server.URL, "pdus+_0token")
	if _, err := CurrentUser(ctx, client); err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Errorf("CurrentUser() error = %v, want context canceled", err)
	}
	if api.requests != 1 {
		t.Errorf("requests = %d, want 1", api.requests)
	}
}
