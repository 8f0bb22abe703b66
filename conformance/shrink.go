package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/internal/rapidrun"
)

// SendFunc sends a case to the target and judges the answer. An error means
// the case could not be judged (transport, setup): Shrink treats it as "did
// not fail", so shrinking never blames the transport.
type SendFunc func(ctx context.Context, c Case) ([]Finding, error)

// Shrunk is the outcome of Shrink.
type Shrunk struct {
	// Case is the smallest case found that fails like the original (the
	// original itself when nothing smaller does); Seed is the original's
	// and Shrunk is set.
	Case Case
	// Findings are the judged findings of Case, from its last sending
	// (rapid sends the minimal case once more to confirm it).
	Findings []Finding
	// Reproduced is false when the original case did not fail again: then
	// Case is the original and nothing was shrunk.
	Reproduced bool
	// Sent is how many cases were sent, the original included.
	Sent int
	// Checks are the checks whose violations define "fails like the
	// original": a smaller case counts only if it violates one of them.
	Checks []string
}

// ErrShrinkCanceled is returned when ctx ended before shrinking finished;
// the Shrunk returned with it holds the smallest case found so far.
var ErrShrinkCanceled = errors.New("shrink canceled")

// Shrink minimises the failing case DrawOne(fam, seed) with rapid: the first
// case rapid draws is exactly that case; rapid then shrinks its choices
// while the answer keeps violating one of the checks the original violated,
// and finally sends the minimal case once more to confirm it. Each attempt
// is one call of send, so a runner bounds the requests through send and ctx
// (rapid also stops shrinking after -rapid.shrinktime, 30 s by default).
//
// rapid has no API for "check from this seed": internal/rapidrun sets
// rapid's global flags for the duration of the call (no fail file is
// written) and puts them back. Shrink therefore must not run concurrently
// with other rapid checks in the process; calls from this package are
// serialised. send must not call Draw, DrawOne or Shrink (they wait for
// Shrink to finish).
func Shrink(ctx context.Context, fam Family, seed uint64, send SendFunc) (Shrunk, error) {
	if seed == 0 {
		return Shrunk{}, errors.New("shrink: seed 0 means random to rapid; use a seed from CaseSeed")
	}
	rapidMu.Lock()
	defer rapidMu.Unlock()

	out := Shrunk{}
	first := true
	var target []string
	prop := func(t *rapid.T) {
		c := fam.Gen.Draw(t, "case")
		c.Seed, c.Shrunk = seed, !first
		if ctx.Err() != nil {
			return
		}
		fs, err := send(ctx, c)
		out.Sent++
		isFirst := first
		first = false
		if isFirst {
			out.Case, out.Findings = c, fs
		}
		if err != nil {
			return
		}
		v := Violations(fs)
		if isFirst {
			for _, f := range v {
				if !slices.Contains(target, f.Check) {
					target = append(target, f.Check)
				}
			}
		}
		if !slices.ContainsFunc(v, func(f Finding) bool { return slices.Contains(target, f.Check) }) {
			return
		}
		out.Reproduced = true
		out.Case, out.Findings = c, fs
		t.Fatalf("%s", v[0])
	}
	if _, err := rapidrun.Check(seed, 1, prop); err != nil {
		return Shrunk{}, fmt.Errorf("shrink: %w", err)
	}
	out.Checks = target
	out.Case.Seed, out.Case.Shrunk = seed, out.Reproduced
	for i := range out.Findings {
		out.Findings[i].Seed, out.Findings[i].Shrunk = seed, out.Reproduced
	}
	if ctx.Err() != nil {
		return out, fmt.Errorf("%w: %w", ErrShrinkCanceled, ctx.Err())
	}
	return out, nil
}
