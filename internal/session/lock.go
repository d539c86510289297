package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// DefaultLockTimeout bounds the wait for another pdauth process that holds
// a profile's lock, for example while it refreshes the token.
const DefaultLockTimeout = 30 * time.Second

// lockRetryDelay is how often a waiting process tries the lock again.
const lockRetryDelay = 20 * time.Millisecond

// LockProfile takes the exclusive, cross-process lock of profile, a file in
// dir, and returns the function that releases it. Source.Token takes it to
// refresh and logout takes it to delete, so two pdauth processes never send
// the same refresh token, and a refresh cannot save the record again after a
// logout has deleted it. It waits at most
// timeout (zero means DefaultLockTimeout).
func LockProfile(ctx context.Context, dir, profile string, timeout time.Duration) (unlock func(), err error) {
	if timeout == 0 {
		timeout = DefaultLockTimeout
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("could not create the lock directory: %w", err)
	}

	path := filepath.Join(dir, profile+".lock")
	lock := flock.New(path)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	locked, err := lock.TryLockContext(ctx, lockRetryDelay)
	if !locked {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("timed out after %s waiting for another pdauth process to release %s", timeout, path)
		}
		return nil, fmt.Errorf("could not lock %s: %w", path, err)
	}
	return func() { _ = lock.Unlock() }, nil
}
