//go:build linux

package main

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// serverRequest is one request that the test server logged.
type serverRequest struct {
	Path     string
	Status   int64
	Duration time.Duration // the server's handler time, from the request's headers to its response
}

// requestLog is a slog.Handler for the test server's logger that keeps the
// "request" records, which pdtest writes once per request with its method,
// path, status and duration. It catches requests to every path, including
// those that pdtest.Stats does not count, such as a 404.
type requestLog struct {
	mu       sync.Mutex
	requests []serverRequest
}

func (l *requestLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *requestLog) Handle(_ context.Context, record slog.Record) error {
	if record.Message != "request" {
		return nil
	}
	var request serverRequest
	record.Attrs(func(attr slog.Attr) bool {
		switch attr.Key {
		case "path":
			request.Path = attr.Value.String()
		case "status":
			request.Status = attr.Value.Int64()
		case "duration":
			request.Duration = attr.Value.Duration()
		}
		return true
	})

	l.mu.Lock()
	l.requests = append(l.requests, request)
	l.mu.Unlock()
	return nil
}

func (l *requestLog) WithAttrs([]slog.Attr) slog.Handler { return l }

func (l *requestLog) WithGroup(string) slog.Handler { return l }

// count returns how many requests have been logged so far.
func (l *requestLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.requests)
}

// since returns the requests logged after the first n.
func (l *requestLog) since(n int) []serverRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]serverRequest(nil), l.requests[n:]...)
}
