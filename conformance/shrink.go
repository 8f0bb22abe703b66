package conformance

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"pgregory.net/rapid"
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
// rapid has no API for "check from this seed": Shrink sets rapid's
// -rapid.seed, -rapid.checks and -rapid.nofailfile flags for the duration of
// the call (no fail file is written) and restores them. It therefore must
// not run concurrently with other rapid checks in the process; calls from
// this package are serialised. Outside a test binary it calls testing.Init
// (rapid reads testing.Short), and parses the empty command line of the
// flag package's global set if nobody has. send must not call Draw,
// DrawOne or Shrink (they wait for Shrink to finish).
func Shrink(ctx context.Context, fam Family, seed uint64, send SendFunc) (Shrunk, error) {
	if seed == 0 {
		return Shrunk{}, errors.New("shrink: seed 0 means random to rapid; use a seed from CaseSeed")
	}
	rapidMu.Lock()
	defer rapidMu.Unlock()
	if err := prepareRapid(); err != nil {
		return Shrunk{}, err
	}
	checks := "1"
	if testing.Short() {
		checks = "5" // rapid runs a fifth of the checks under -short
	}
	restore, err := setFlags(map[string]string{
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.checks":     checks,
		"rapid.nofailfile": "true",
	})
	if err != nil {
		return Shrunk{}, err
	}
	defer restore()

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
	rapid.Check(&shrinkTB{}, prop)
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

var prepareOnce sync.Once

// prepareRapid makes rapid usable outside a test binary, where
// testing.Short panics until the testing flags exist and are parsed.
func prepareRapid() (err error) {
	prepareOnce.Do(func() {
		if flag.Lookup("test.short") == nil {
			testing.Init()
		}
		if !flag.Parsed() {
			err = flag.CommandLine.Parse(nil)
		}
	})
	if flag.Lookup("rapid.seed") == nil {
		return errors.New("shrink: rapid's flags are not registered")
	}
	return err
}

// setFlags sets flags of the global set and returns a function that puts
// the old values back.
func setFlags(values map[string]string) (func(), error) {
	old := map[string]string{}
	restore := func() {
		for name, v := range old {
			_ = flag.Set(name, v)
		}
	}
	for name, v := range values {
		f := flag.Lookup(name)
		if f == nil {
			restore()
			return nil, fmt.Errorf("shrink: no flag -%s", name)
		}
		old[name] = f.Value.String()
		if err := flag.Set(name, v); err != nil {
			restore()
			return nil, fmt.Errorf("shrink: -%s=%s: %w", name, v, err)
		}
	}
	return restore, nil
}

// shrinkTB is the rapid.TB that Shrink runs rapid.Check with: it keeps
// rapid's messages out of any test and never stops the goroutine.
type shrinkTB struct {
	mu     sync.Mutex
	failed bool
	log    []string
}

func (tb *shrinkTB) Helper()      {}
func (tb *shrinkTB) Name() string { return "vcheck-shrink" }
func (tb *shrinkTB) Logf(format string, args ...any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.log) < 1000 {
		tb.log = append(tb.log, fmt.Sprintf(format, args...))
	}
}
func (tb *shrinkTB) Log(args ...any)                   { tb.Logf("%s", fmt.Sprint(args...)) }
func (tb *shrinkTB) Skipf(format string, args ...any)  { tb.Logf(format, args...) }
func (tb *shrinkTB) Skip(args ...any)                  { tb.Log(args...) }
func (tb *shrinkTB) SkipNow()                          {}
func (tb *shrinkTB) Errorf(format string, args ...any) { tb.Logf(format, args...); tb.Fail() }
func (tb *shrinkTB) Error(args ...any)                 { tb.Log(args...); tb.Fail() }
func (tb *shrinkTB) Fatalf(format string, args ...any) { tb.Errorf(format, args...) }
func (tb *shrinkTB) Fatal(args ...any)                 { tb.Error(args...) }
func (tb *shrinkTB) FailNow()                          { tb.Fail() }
func (tb *shrinkTB) Fail() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.failed = true
}
func (tb *shrinkTB) Failed() bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.failed
}
