//go:build linux

package main

import (
	"context"
	"fmt"
)

// topInits is how many packages the init cost table lists.
const topInits = 12

func (b *benchmark) benchInit(ctx context.Context) error {
	env := append(append([]string(nil), b.env...), "GODEBUG=inittrace=1")

	var tokenRuns, floorRuns [][]packageInit
	for i := range b.opts.initRuns {
		_, out, err := b.runProcess(ctx, env, b.bin("pdauth"), "token")
		if err != nil {
			return fmt.Errorf("run %d of GODEBUG=inittrace=1 pdauth token: %w", i+1, err)
		}
		tokenRuns = append(tokenRuns, parseInitTrace(out.Stderr))

		_, out, err = b.runProcess(ctx, env, b.bin("keyringfloor"), b.opts.profile)
		if err != nil {
			return fmt.Errorf("run %d of GODEBUG=inittrace=1 keyringfloor: %w", i+1, err)
		}
		floorRuns = append(floorRuns, parseInitTrace(out.Stderr))
	}
	token := summarizeInitTraces(tokenRuns)
	floor := summarizeInitTraces(floorRuns)

	b.printSection(fmt.Sprintf("package init of pdauth token (GODEBUG=inittrace=1, median of %d runs)", b.opts.initRuns))
	fmt.Fprintf(b.out, "  all package inits: pdauth token %.3f ms in %d packages, keyringfloor %.3f ms in %d packages\n",
		token.TotalMS, len(token.Packages), floor.TotalMS, len(floor.Packages))
	fmt.Fprintf(b.out, "  %-45s %10s %10s %8s\n", "package", "clock ms", "bytes", "allocs")
	for _, p := range token.Packages[:min(topInits, len(token.Packages))] {
		fmt.Fprintf(b.out, "  %-45s %10.3f %10d %8d\n", p.Package, p.ClockMS, p.Bytes, p.Allocs)
	}
	return nil
}
