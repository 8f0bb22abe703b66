// Package rapidrun runs a pgregory.net/rapid property from a chosen seed a
// chosen number of times, in a test binary or outside one (vcheck shrinks
// a failing case inside the CLI, where no test is running).
//
// Why it exists: rapid (v1.3.0) has no API for "check from this seed". It
// reads the seed, the number of checks and whether to write a fail file
// only from its flags on the flag package's global set (-rapid.seed,
// -rapid.checks, -rapid.nofailfile), and rapid.Check calls testing.Short,
// which panics outside a test binary until testing.Init has registered
// the test flags and the global set is parsed. Check does what a test
// binary would (once), sets the three flags for the duration of the call
// and puts the old values back. This is the one place vcheck touches the
// flag and testing packages for rapid; delete it once rapid takes a seed
// and a count as arguments.
//
// The serialisation it needs: those flags are process-wide. Check holds a
// package lock, so two calls never overlap, but any other use of rapid
// in the process while Check runs (rapid.Check, or Generator.Example,
// which reads the seed flag even when given a seed) races with it: a
// caller serialises its other rapid use with its calls of Check
// (conformance takes one lock around its Draw and its Shrink).
//
// It imports rapid, flag and testing, nothing of vcheck's own.
package rapidrun

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"pgregory.net/rapid"
)

// mu serialises Check: rapid's flags are process-wide.
var mu sync.Mutex

// Check runs prop with rapid, from seed, for checks checks: the first
// case prop draws is the one rapid's Generator.Example(seed) gives, then
// rapid draws on from there; when prop fails, rapid shrinks the failing
// case while prop keeps failing and runs the minimal case once more, so
// prop's last call is the minimal case. failed reports whether prop
// failed. rapid's messages are discarded, no fail file is written, and
// rapid's flags hold their old values again when Check returns. -short
// does not cut the number of checks as it does in rapid.Check.
//
// err is not nil, and prop was not run, for seed 0 (rapid's "pick a
// random seed"), checks below 1, or a process where rapid's flags cannot
// be found or set.
func Check(seed uint64, checks int, prop func(*rapid.T)) (failed bool, err error) {
	switch {
	case seed == 0:
		return false, errors.New("rapidrun: seed 0 means random to rapid")
	case checks < 1:
		return false, fmt.Errorf("rapidrun: %d checks: want at least 1", checks)
	}
	mu.Lock()
	defer mu.Unlock()
	if err := prepare(); err != nil {
		return false, err
	}
	if testing.Short() {
		checks *= 5 // rapid runs a fifth of the checks under -short
	}
	restore, err := setFlags(map[string]string{
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.nofailfile": "true",
	})
	if err != nil {
		return false, err
	}
	defer restore()
	tb := &quietTB{}
	rapid.Check(tb, prop)
	return tb.Failed(), nil
}

var (
	prepareOnce sync.Once
	prepareErr  error
)

// prepare makes rapid usable outside a test binary, where testing.Short
// panics until the testing flags exist and are parsed.
func prepare() error {
	prepareOnce.Do(func() {
		if flag.Lookup("test.short") == nil {
			testing.Init()
		}
		if !flag.Parsed() {
			prepareErr = flag.CommandLine.Parse(nil)
		}
	})
	if prepareErr != nil {
		return fmt.Errorf("rapidrun: parse the global flag set: %w", prepareErr)
	}
	if flag.Lookup("rapid.seed") == nil {
		return errors.New("rapidrun: rapid's flags are not registered")
	}
	return nil
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
			return nil, fmt.Errorf("rapidrun: no flag -%s", name)
		}
		old[name] = f.Value.String()
		if err := flag.Set(name, v); err != nil {
			restore()
			return nil, fmt.Errorf("rapidrun: -%s=%s: %w", name, v, err)
		}
	}
	return restore, nil
}

// quietTB is the rapid.TB that Check runs rapid.Check with: it keeps
// rapid's messages out of any test and never stops the goroutine.
type quietTB struct {
	mu     sync.Mutex
	failed bool
}

func (tb *quietTB) Helper()               {}
func (tb *quietTB) Name() string          { return "vcheck-rapidrun" }
func (tb *quietTB) Logf(string, ...any)   {}
func (tb *quietTB) Log(...any)            {}
func (tb *quietTB) Skipf(string, ...any)  {}
func (tb *quietTB) Skip(...any)           {}
func (tb *quietTB) SkipNow()              {}
func (tb *quietTB) Errorf(string, ...any) { tb.Fail() }
func (tb *quietTB) Error(...any)          { tb.Fail() }
func (tb *quietTB) Fatalf(string, ...any) { tb.Fail() }
func (tb *quietTB) Fatal(...any)          { tb.Fail() }
func (tb *quietTB) FailNow()              { tb.Fail() }
func (tb *quietTB) Fail() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.failed = true
}
func (tb *quietTB) Failed() bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.failed
}
