//go:build linux

// Command pdauthbench measures pdauth against floor programs that do only
// the unavoidable work, on a real Secret Service and the pdtest server on
// loopback:
//
//   - pdauth token with a fresh token against keyringfloor (one process
//     start and one keychain read), and checks that token sends no request;
//   - pdauth whoami against whoamifloor (that plus one GET /users/me), and
//     checks that whoami sends exactly one request;
//   - pdauth login, with pdtestserver browse as the browser, against
//     loginfloor (the authorization, token and /users/me requests alone),
//     and the time from the callback to pdauth's exit beyond the token and
//     /users/me requests;
//   - the package init cost of pdauth token from GODEBUG=inittrace=1.
//
// Each comparison runs the two programs in pairs, A B A B ..., after a few
// warm-up pairs that are not counted. It reports medians of wall time, CPU
// time and peak resident set size, which is ru_maxrss from wait4 as the
// small measure program reads it.
//
// Usage:
//
//	pdauthbench -bin DIR [-pairs N] [-login-pairs N] [-warmup N] [-init-runs N] [-profile NAME]
//
// DIR must contain pdauth, pdauth-core, keyringfloor, whoamifloor, loginfloor,
// pdtestserver and measure. measure runs each measured program and reports
// its rusage (its documentation says why). scripts/bench.sh builds them all
// and runs pdauthbench inside scripts/with-keyring.sh. pdauthbench writes pdauth's keychain entry for
// the profile, so it refuses to start when that entry already exists, and
// deletes it at the end. Children get XDG_CONFIG_HOME and XDG_CACHE_HOME in
// a temporary directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pdauth/pdauth/internal/pdtest"
)

// keychainService is the keychain service under which pdauth stores logins.
const keychainService = "pdauth"

// programs are the binaries that -bin must contain.
var programs = []string{"pdauth", "pdauth-core", "keyringfloor", "whoamifloor", "loginfloor", "pdtestserver", "measure"}

type options struct {
	binDir     string
	pairs      int
	loginPairs int
	warmup     int
	initRuns   int
	profile    string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pdauthbench: %v\n", err)
		os.Exit(2)
	}
	if err := run(ctx, opts, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "pdauthbench: %v\n", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	var opts options
	flags := flag.NewFlagSet("pdauthbench", flag.ContinueOnError)
	flags.StringVar(&opts.binDir, "bin", "", "`directory` with the pdauth, keyringfloor, whoamifloor, loginfloor, pdtestserver and measure binaries")
	flags.IntVar(&opts.pairs, "pairs", 100, "measured pairs of runs for token and whoami")
	flags.IntVar(&opts.loginPairs, "login-pairs", 30, "measured pairs of runs for login")
	flags.IntVar(&opts.warmup, "warmup", 5, "warm-up pairs before each comparison, not counted")
	flags.IntVar(&opts.initRuns, "init-runs", 20, "runs of GODEBUG=inittrace=1 pdauth token")
	flags.StringVar(&opts.profile, "profile", "default", "pdauth profile, which is the keychain account")
	if err := flags.Parse(args); err != nil {
		return opts, err
	}

	switch {
	case flags.NArg() > 0:
		return opts, fmt.Errorf("unexpected argument %q", flags.Arg(0))
	case opts.binDir == "":
		return opts, errors.New("missing -bin: pass the directory that scripts/bench.sh builds the binaries into")
	case opts.pairs < 1 || opts.loginPairs < 1 || opts.initRuns < 1:
		return opts, errors.New("-pairs, -login-pairs and -init-runs must be at least 1")
	case opts.warmup < 0:
		return opts, errors.New("-warmup must not be negative")
	}
	for _, name := range programs {
		if _, err := os.Stat(filepath.Join(opts.binDir, name)); err != nil {
			return opts, fmt.Errorf("missing %s in -bin %s: %w", name, opts.binDir, err)
		}
	}
	return opts, nil
}

// benchmark is the state that every comparison shares.
type benchmark struct {
	opts     options
	out      io.Writer
	server   *pdtest.Server
	requests *requestLog
	redirect string
	env      []string // environment of every child process

	accessToken  string // of the login that token and whoami use
	storedRecord string // the keychain entry that holds it
}

func (b *benchmark) bin(name string) string {
	return filepath.Join(b.opts.binDir, name)
}

func run(ctx context.Context, opts options, out io.Writer) error {
	// A throwaway keyring has no pdauth entry; a user's real one might.
	if _, err := keyring.Get(keychainService, opts.profile); !errors.Is(err, keyring.ErrNotFound) {
		if err == nil {
			return fmt.Errorf("the keychain already has a pdauth login for profile %q, which the benchmark would overwrite; run it with scripts/bench.sh, which uses a throwaway keyring", opts.profile)
		}
		return fmt.Errorf("could not read the keychain (run it with scripts/bench.sh, which starts a throwaway keyring): %w", err)
	}
	defer func() {
		_ = keyring.Delete(keychainService, opts.profile)
	}()

	home, err := os.MkdirTemp("", "pdauthbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)

	b := &benchmark{opts: opts, out: out, requests: &requestLog{}}
	port, err := freePort()
	if err != nil {
		return err
	}
	b.redirect = "http://localhost:" + port + "/callback"

	b.server, err = pdtest.Start(pdtest.Config{
		RedirectURIs:        []string{b.redirect},
		AccessTokenLifetime: time.Hour,
		Logger:              slog.New(b.requests),
	})
	if err != nil {
		return err
	}
	defer b.server.Close()

	settings := map[string]string{
		"PDAUTH_OAUTH_URL":    b.server.URL(),
		"PDAUTH_CLIENT_ID":    pdtest.DefaultClientID,
		"PDAUTH_REDIRECT_URI": b.redirect,
		"BROWSER":             b.bin("pdtestserver") + " browse",
		"XDG_CONFIG_HOME":     filepath.Join(home, "config"),
		"XDG_CACHE_HOME":      filepath.Join(home, "cache"),
	}
	// The default profile is measured as users run it, with no profile
	// selected.
	if opts.profile != "default" {
		settings["PDAUTH_PROFILE"] = opts.profile
	}
	b.env = childEnvironment(settings)

	if err := b.setUpLogin(ctx); err != nil {
		return err
	}

	b.printHeader()
	steps := []func(context.Context) error{b.benchToken, b.benchWhoami, b.benchLogin, b.benchInit}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(b.out, "\nload average at the end (1, 5, 15 min): %s\n", loadAverage())
	return nil
}

// childEnvironment returns this process's environment without any PDAUTH_
// variable, proxy setting or GODEBUG, plus set.
func childEnvironment(set map[string]string) []string {
	var env []string
	for _, entry := range os.Environ() {
		name, _, _ := strings.Cut(entry, "=")
		if strings.HasPrefix(name, "PDAUTH_") || set[name] != "" || name == "GODEBUG" ||
			strings.EqualFold(name, "HTTP_PROXY") || strings.EqualFold(name, "HTTPS_PROXY") {
			continue
		}
		env = append(env, entry)
	}
	for name, value := range set {
		env = append(env, name+"="+value)
	}
	return env
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort() (string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer listener.Close()
	_, port, err := net.SplitHostPort(listener.Addr().String())
	return port, err
}

// setUpLogin logs in once, unmeasured, so that token and whoami find a
// fresh token in the keychain.
func (b *benchmark) setUpLogin(ctx context.Context) error {
	if _, _, err := b.runProcess(ctx, b.env, b.bin("pdauth"), "login"); err != nil {
		return fmt.Errorf("the first pdauth login failed: %w", err)
	}
	return b.readStoredLogin()
}

// readStoredLogin reads the keychain entry that pdauth saved, as the
// floors will print it.
func (b *benchmark) readStoredLogin() error {
	stored, err := keyring.Get(keychainService, b.opts.profile)
	if err != nil {
		return fmt.Errorf("could not read the login that pdauth saved: %w", err)
	}
	token, err := accessTokenOf(stored)
	if err != nil {
		return err
	}
	b.storedRecord = stored
	b.accessToken = token
	return nil
}

func (b *benchmark) printHeader() {
	fmt.Fprintln(b.out, "# pdauthbench")
	fmt.Fprintln(b.out)
	fmt.Fprintf(b.out, "machine: %s\n", machineDescription())
	fmt.Fprintf(b.out, "load average at the start (1, 5, 15 min): %s; other work on the CPUs skews every figure\n", loadAverage())
	fmt.Fprintf(b.out, "pairs: %d for token and whoami, %d for login, each after %d warm-up pairs; init trace: %d runs\n",
		b.opts.pairs, b.opts.loginPairs, b.opts.warmup, b.opts.initRuns)
	fmt.Fprintln(b.out, "binary sizes:")
	for _, name := range programs {
		if info, err := os.Stat(b.bin(name)); err == nil {
			fmt.Fprintf(b.out, "  %-14s %10d bytes (%.2f MiB)\n", name, info.Size(), float64(info.Size())/(1<<20))
		}
	}
}
