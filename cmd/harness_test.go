package cmd

import (
	"context"
	"io"
	"maps"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/credstore/credstoretest"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/pdtest"
)

// harness runs pdauth commands in-process against a pdtest server on
// loopback, with an in-memory keychain and a browser that follows the
// authorization redirect back to pdauth's callback server.
type harness struct {
	t        *testing.T
	server   *pdtest.Server
	keyring  credstore.Keyring
	redirect string
	env      map[string]string

	configDir string // the user configuration directory pdauth uses
	cacheDir  string

	stdin         io.Reader // pdauth's stdin; nil means empty
	stdinTerminal bool      // whether pdauth takes stdin for a terminal

	now         func() time.Time // the clock pdauth uses; nil means time.Now
	httpTimeout time.Duration    // pdauth's HTTP client timeout; zero means 5s

	// browse replaces the test browser; nil means follow the redirects.
	browse func(url string) error

	mu       sync.Mutex
	opened   []string
	statuses []int // final HTTP status the test browser saw, one per page opened
	browsing sync.WaitGroup
}

func newHarness(t *testing.T, cfg pdtest.Config) *harness {
	t.Helper()
	redirect := "http://localhost:" + pdtest.FreePort(t) + "/callback"
	cfg.RedirectURIs = append(cfg.RedirectURIs, redirect)
	server, err := pdtest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}

	h := &harness{
		t:         t,
		server:    server,
		keyring:   credstoretest.NewMemory(),
		redirect:  redirect,
		configDir: t.TempDir(),
		cacheDir:  t.TempDir(),
		env: map[string]string{
			"PDAUTH_CLIENT_ID":    "pdauth-test-client",
			"PDAUTH_OAUTH_URL":    server.URL(),
			"PDAUTH_REDIRECT_URI": redirect,
		},
	}
	t.Cleanup(func() {
		h.browsing.Wait()
		server.Close()
	})
	return h
}

// run executes pdauth with args and returns the exit code and both streams.
func (h *harness) run(args ...string) (code int, stdout, stderr string) {
	return h.runContext(context.Background(), args...)
}

func (h *harness) runContext(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	now, timeout := h.now, h.httpTimeout
	if now == nil {
		now = time.Now
	}
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	env := maps.Clone(h.env) // runs may overlap, and tests change h.env between runs

	streams, out, errOut := iostreams.Test()
	if h.stdin != nil {
		streams.In = h.stdin
	}
	streams.StdinIsTerminal = h.stdinTerminal
	f := &cmdutil.Factory{
		IOStreams:   streams,
		HTTPClient:  &http.Client{Timeout: timeout},
		Keyring:     h.keyring,
		Getenv:      func(key string) string { return env[key] },
		Now:         now,
		OpenBrowser: h.openBrowser,
		ConfigDir:   func() (string, error) { return h.configDir, nil },
		CacheDir:    func() (string, error) { return h.cacheDir, nil },
	}
	code = Execute(ctx, f, "test", args)
	h.browsing.Wait()
	return code, out.String(), errOut.String()
}

func (h *harness) openBrowser(rawURL string) error {
	h.mu.Lock()
	h.opened = append(h.opened, rawURL)
	h.mu.Unlock()

	if h.browse != nil {
		return h.browse(rawURL)
	}
	h.browsing.Add(1)
	go func() {
		defer h.browsing.Done()
		status, err := pdtest.Browse(context.Background(), rawURL, io.Discard)
		if err != nil {
			h.t.Errorf("test browser: %v", err)
		}
		h.mu.Lock()
		h.statuses = append(h.statuses, status)
		h.mu.Unlock()
	}()
	return nil
}

func (h *harness) browserOpened() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.opened...)
}

func (h *harness) browserStatuses() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.statuses...)
}

// store returns a credential store over the harness's keychain.
func (h *harness) store() *credstore.Store {
	return &credstore.Store{Keyring: h.keyring}
}

// fileStore returns the credential store of --insecure-storage.
func (h *harness) fileStore() *credstore.Store {
	return &credstore.Store{Keyring: credstore.FileKeyringIn(h.configDir)}
}

// login runs pdauth login and fails the test unless it succeeds.
func (h *harness) login() {
	h.t.Helper()
	if code, _, stderr := h.run("login"); code != 0 {
		h.t.Fatalf("login exit code = %d, stderr:\n%s", code, stderr)
	}
}
