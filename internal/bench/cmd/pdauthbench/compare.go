//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// program is one side of a comparison: the command line and the check of
// each run's output and of the requests the test server logged during it.
type program struct {
	name  string
	argv  []string
	check func(out runOutput, requests []serverRequest) error
}

// comparePairs runs a and b alternately, a first in every pair, for the
// warm-up pairs and then for pairs measured pairs.
func (b *benchmark) comparePairs(ctx context.Context, a, floor program, pairs int) (*series, *series, error) {
	measuredA := &series{Name: a.name}
	measuredFloor := &series{Name: floor.name}
	for i := range b.opts.warmup + pairs {
		for _, side := range []struct {
			program program
			series  *series
		}{{a, measuredA}, {floor, measuredFloor}} {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			before := b.requests.count()
			s, out, err := b.runProcess(ctx, b.env, side.program.argv...)
			if err != nil {
				return nil, nil, fmt.Errorf("run %d of %s: %w", i+1, side.program.name, err)
			}
			if err := side.program.check(out, b.requests.since(before)); err != nil {
				return nil, nil, fmt.Errorf("run %d of %s: %w", i+1, side.program.name, err)
			}
			if i >= b.opts.warmup {
				side.series.Samples = append(side.series.Samples, s)
			}
		}
	}
	return measuredA, measuredFloor, nil
}

func (b *benchmark) benchToken(ctx context.Context) error {
	noRequests := func(requests []serverRequest) error {
		if len(requests) > 0 {
			return fmt.Errorf("sent %d requests to the test server, want none: %v", len(requests), requests)
		}
		return nil
	}
	token := program{
		name: "pdauth token",
		argv: []string{b.bin("pdauth"), "token"},
		check: func(out runOutput, requests []serverRequest) error {
			if out.Stdout != b.accessToken+"\n" {
				return fmt.Errorf("printed %q, want the stored access token", out.Stdout)
			}
			return noRequests(requests)
		},
	}
	floor := program{
		name: "keyringfloor",
		argv: []string{b.bin("keyringfloor"), b.opts.profile},
		check: func(out runOutput, requests []serverRequest) error {
			if out.Stdout != b.storedRecord+"\n" {
				return errors.New("did not print the stored keychain entry")
			}
			return noRequests(requests)
		},
	}

	statsBefore := b.server.Stats()
	tokenSeries, floorSeries, err := b.comparePairs(ctx, token, floor, b.opts.pairs)
	if err != nil {
		return err
	}
	statsAfter := b.server.Stats()

	b.printSection("pdauth token with a fresh token vs keyringfloor (process start + one keychain read)")
	ratio := b.printComparison(tokenSeries, floorSeries)
	rssDelta := median(tokenSeries.maxRSS()) - median(floorSeries.maxRSS())
	runs := b.opts.warmup + b.opts.pairs
	b.printTarget("median wall time within 1.10x of the floor", fmt.Sprintf("%.2fx", ratio), ratio <= 1.10)
	b.printTarget("peak RSS at most 2 MiB above the floor's", formatSignedMiB(rssDelta), rssDelta <= 2<<20)
	b.printTarget("no network request",
		fmt.Sprintf("the test server logged no request during any of the %d runs of both programs, and its counters stayed at %+v", 2*runs, statsAfter),
		statsAfter == statsBefore)
	return nil
}

func (b *benchmark) benchWhoami(ctx context.Context) error {
	oneUsersMe := func(requests []serverRequest) error {
		if len(requests) != 1 || requests[0].Path != "/users/me" || requests[0].Status != 200 {
			return fmt.Errorf("sent %v to the test server, want exactly one GET /users/me with status 200", requests)
		}
		return nil
	}
	whoami := program{
		name: "pdauth whoami",
		argv: []string{b.bin("pdauth"), "whoami"},
		check: func(out runOutput, requests []serverRequest) error {
			if !strings.Contains(out.Stdout, "Test User") {
				return fmt.Errorf("printed %q, want the test user", out.Stdout)
			}
			return oneUsersMe(requests)
		},
	}
	floor := program{
		name: "whoamifloor",
		argv: []string{b.bin("whoamifloor"), b.opts.profile},
		check: func(out runOutput, requests []serverRequest) error {
			if !strings.Contains(out.Stdout, "Test User") {
				return fmt.Errorf("printed %q, want the test user", out.Stdout)
			}
			return oneUsersMe(requests)
		},
	}

	before := b.server.Stats()
	whoamiSeries, floorSeries, err := b.comparePairs(ctx, whoami, floor, b.opts.pairs)
	if err != nil {
		return err
	}
	after := b.server.Stats()

	b.printSection("pdauth whoami vs whoamifloor (process start + one keychain read + one GET /users/me)")
	ratio := b.printComparison(whoamiSeries, floorSeries)
	runs := 2 * (b.opts.warmup + b.opts.pairs)
	usersMe := after.UsersMeRequests - before.UsersMeRequests
	tokenRequests := after.TokenRequests - before.TokenRequests
	fmt.Fprintf(b.out, "  ratio of medians: %.2fx (no target)\n", ratio)
	b.printTarget("exactly one request per pdauth whoami",
		fmt.Sprintf("every run sent one GET /users/me; %d /users/me and %d token requests over %d runs of both programs", usersMe, tokenRequests, runs),
		usersMe == runs && tokenRequests == 0)
	return nil
}

// accessTokenOf returns the access token of a stored pdauth login.
func accessTokenOf(stored string) (string, error) {
	var record struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(stored), &record); err != nil {
		return "", fmt.Errorf("stored login is not valid JSON: %w", err)
	}
	if record.AccessToken == "" {
		return "", errors.New("stored login has no access token")
	}
	return record.AccessToken, nil
}
