package e2e

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// TestConcurrentTokenRefreshesOnce starts 50 pdauth token processes on an
// expired token. The profile lock must let exactly one of them refresh,
// and all must print the token that refresh returned.
func TestConcurrentTokenRefreshesOnce(t *testing.T) {
	store := realKeyring(t)
	server, env := startServer(t, pdtest.Config{})
	env = append(env, "BROWSER="+filepath.Join(binDir, "pdtestserver")+" browse")
	if login := pdauth(t, env, "login"); login.code != 0 {
		t.Fatalf("login exit code = %d, stderr:\n%s", login.code, login.stderr)
	}

	old, err := store.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	old.Expiry = time.Now().Add(-time.Minute)
	if err := store.Save("default", old); err != nil {
		t.Fatal(err)
	}

	const processes = 50
	results := make([]result, processes)
	var wg sync.WaitGroup
	for i := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = pdauth(t, nil, "token")
		}()
	}
	wg.Wait()

	if n := server.Stats().Refreshes; n != 1 {
		t.Errorf("refresh requests = %d, want exactly 1", n)
	}
	saved, err := store.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	if saved.RefreshToken == old.RefreshToken {
		t.Error("the stored refresh token is not the rotated one")
	}
	for i, r := range results {
		if r.code != 0 || r.stdout != saved.AccessToken+"\n" {
			t.Errorf("process %d: exit code %d, stdout %q, stderr %q; want 0 and the new token", i, r.code, r.stdout, r.stderr)
		}
	}
}
