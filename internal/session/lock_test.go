package session

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLockProfileExcludes(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockProfile(context.Background(), dir, "default", 0)
	if err != nil {
		t.Fatal(err)
	}

	_, err = LockProfile(context.Background(), dir, "default", 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "timed out after 100ms waiting for another pdauth process") {
		t.Fatalf("second LockProfile() error = %v, want a timeout", err)
	}

	other, err := LockProfile(context.Background(), dir, "eu", 100*time.Millisecond)
	if err != nil {
		t.Fatalf("LockProfile() of another profile error = %v, want nil", err)
	}
	other()

	unlock()
	again, err := LockProfile(context.Background(), dir, "default", 100*time.Millisecond)
	if err != nil {
		t.Fatalf("LockProfile() after unlock error = %v", err)
	}
	again()
}

func TestLockProfileCancelled(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockProfile(context.Background(), dir, "default", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel) // Ctrl-C while waiting
	if _, err := LockProfile(ctx, dir, "default", time.Minute); err == nil || ctx.Err() == nil {
		t.Fatalf("LockProfile() error = %v, want one after cancellation", err)
	}
}
