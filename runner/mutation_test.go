package runner_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/runner"
)

// mimicsErratum lists the drift mutants whose break is one a documented
// erratum allows under the default policy (the target "sides with the
// published example"): the default run records them as observations, and
// the strict policy, which the gate uses, fails them.
var mimicsErratum = map[string]int{"wrong-code": 1, "code-as-string": 5}

// gateSeeds are the run seeds the mutation gate tries each mutant at: two
// fixed ones (24 once let ignore-timestamp pass, its confirming re-send
// meeting the velocity window) and fresh random ones every run, printed,
// so the gate is a property over seeds rather than a fact about one.
func gateSeeds(t *testing.T) []uint64 {
	seeds := []uint64{7, 24}
	n := 2
	switch {
	case raceDetector:
		seeds, n = seeds[:1], 0
	case testing.Short():
		n = 0
	}
	for range n {
		seeds = append(seeds, rand.Uint64()|1)
	}
	t.Logf("seeds %v (vcheck run --drift NAME --seed S reproduces one)", seeds)
	return seeds
}

// raceGate names the mutants the gate runs under -race: one that breaks
// every code, one that breaks one code's body, one that the stateful
// family must catch, one that only an authentication defect shows, and the
// slow one, whose timeouts and cancellations are the concurrency the race
// detector is there for. The whole gate runs without -race (see
// raceDetector).
var raceGate = map[string]bool{"code-as-string": true, "wrong-code": true, "no-velocity-limit": true, "accept-bad-signature": true, "slow": true}

// gateDrifts are the mutants the gate runs: every one, or raceGate's
// under -race.
func gateDrifts() []mock.Drift {
	drifts := mock.Drifts()
	if raceDetector {
		drifts = slices.DeleteFunc(drifts, func(d mock.Drift) bool { return !raceGate[d.Name] })
	}
	return drifts
}

// gatePolicies are the policies the gate runs each mutant under: both, or
// the strict one alone under -race (see raceDetector).
func gatePolicies() []conformance.Policy {
	if raceDetector {
		return []conformance.Policy{conformance.PolicyStrict}
	}
	return []conformance.Policy{conformance.PolicyStrict, conformance.PolicyDefault}
}

// TestMutationGate runs the runner against every drift mutant of the mock
// at several seeds and asserts each is caught at every one, under both the
// strict and the default policy (the default accepts the mutants that
// mimic an erratum): the run fails, and a finding that is not flaky names
// a code the mutant breaks. A new mutant without a killing check fails
// this test.
func TestMutationGate(t *testing.T) {
	t.Parallel()
	drifts := gateDrifts()
	require.NotEmpty(t, drifts)
	if raceDetector {
		require.Len(t, drifts, len(raceGate), "every name in raceGate is a mutant of mock.Drifts")
	}
	seeds := gateSeeds(t)
	var killed atomic.Int64
	t.Run("mutants", func(t *testing.T) {
		for _, d := range drifts {
			for _, seed := range seeds {
				for _, p := range gatePolicies() {
					if p == conformance.PolicyDefault && mimicsErratum[d.Name] != 0 {
						continue
					}
					t.Run(fmt.Sprintf("%s/%d/%v", d.Name, seed, p), func(t *testing.T) {
						t.Parallel()
						ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
						defer cancel()
						s, err := runner.Run(ctx, runner.Options{Drift: d.Name, Seed: seed, Policy: p, Timeout: time.Second, Concurrency: 4})
						if d.Name == "slow" {
							// Every answer comes after the runner's timeout: the
							// target is reported as timed out (exit 3), never as a pass.
							require.ErrorIs(t, err, runner.ErrUnreachable)
							killed.Add(1)
							return
						}
						require.NoError(t, err)
						require.Equal(t, runner.VerdictBroken, s.Verdict, "mutant %s survived at seed %d: %s", d.Name, seed, s.Reason)
						named := slices.ContainsFunc(s.Groups, func(g runner.Group) bool { return slices.Contains(d.Codes, g.Code) && !g.Flaky })
						require.True(t, named, "no finding names a code that %s breaks (%v)", d.Name, d.Codes)
						killed.Add(1)
					})
				}
			}
		}
	})
	runs := 0
	for _, d := range drifts {
		runs += len(seeds)
		if mimicsErratum[d.Name] == 0 && len(gatePolicies()) == 2 {
			runs += len(seeds)
		}
	}
	t.Logf("mutation gate: %d/%d mutant runs killed, %d mutants at %d seeds", killed.Load(), runs, len(drifts), len(seeds))
	assert.Equal(t, int64(runs), killed.Load())
}

// TestMutationGate_defaultPolicyRecordsErrata shows what the default policy
// does with the mutants that mimic an erratum: no failure, an observation
// that names the erratum.
func TestMutationGate_defaultPolicyRecordsErrata(t *testing.T) {
	t.Parallel()
	for name, erratum := range mimicsErratum {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := runner.Run(context.Background(), runner.Options{Drift: name, Cases: 8, Seed: 7})
			require.NoError(t, err)
			assert.Equal(t, runner.VerdictPass, s.Verdict)
			assert.True(t, slices.ContainsFunc(s.Observations, func(o runner.Observation) bool { return o.Erratum == erratum }),
				"the default policy records erratum %d: %+v", erratum, s.Observations)
		})
	}
}

// TestRun_faithfulMockPasses is the other side of the gate: the faithful
// mock passes every check, every code exercised, under each policy.
func TestRun_faithfulMockPasses(t *testing.T) {
	t.Parallel()
	for _, p := range []conformance.Policy{conformance.PolicyDefault, conformance.PolicyStrict} {
		s, err := runner.Run(context.Background(), runner.Options{Cases: 10, Seed: 3, Policy: p})
		require.NoError(t, err)
		assert.Equal(t, runner.VerdictPass, s.Verdict, "%v: %+v", p, s.Groups)
		for _, c := range s.Coverage {
			assert.Equal(t, runner.CoveragePassed, c.State, "%d under %v", c.Code, p)
		}
	}
}
