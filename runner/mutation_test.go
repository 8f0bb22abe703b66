package runner_test

import (
	"context"
	"slices"
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

// TestMutationGate runs the runner against every drift mutant of the mock
// and asserts each is caught: the run fails and a finding names a code the
// mutant breaks. A new mutant without a killing check fails this test.
func TestMutationGate(t *testing.T) {
	t.Parallel()
	drifts := mock.Drifts()
	require.NotEmpty(t, drifts)
	killed := 0
	for _, d := range drifts {
		t.Run(d.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			s, err := runner.Run(ctx, runner.Options{Drift: d.Name, Cases: 8, Seed: 7, Policy: conformance.PolicyStrict, Timeout: time.Second})
			if d.Name == "slow" {
				// Every answer comes after the runner's timeout: the
				// target is reported as timed out (exit 3), never as a pass.
				require.ErrorIs(t, err, runner.ErrUnreachable)
				killed++
				return
			}
			require.NoError(t, err)
			require.Equal(t, runner.VerdictBroken, s.Verdict, "mutant %s survived", d.Name)
			named := slices.ContainsFunc(s.Groups, func(g runner.Group) bool { return slices.Contains(d.Codes, g.Code) && !g.Flaky })
			require.True(t, named, "no finding names a code that %s breaks (%v)", d.Name, d.Codes)
			killed++
		})
	}
	t.Logf("mutation score: %d/%d drift mutants killed (%.0f%%)", killed, len(drifts), 100*float64(killed)/float64(len(drifts)))
	assert.Equal(t, len(drifts), killed)
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
