package rapidrun

import (
	"flag"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var ints = rapid.IntRange(0, 1<<30)

// draws runs Check and returns what prop drew, call by call.
func draws(t *testing.T, seed uint64, checks int, fails func(int) bool) ([]int, bool) {
	t.Helper()
	var got []int
	failed, err := Check(seed, checks, func(rt *rapid.T) {
		v := ints.Draw(rt, "v")
		got = append(got, v)
		if fails(v) {
			rt.Fatalf("%d fails", v)
		}
	})
	require.NoError(t, err)
	return got, failed
}

// TestCheck_startsFromTheSeedAndRunsTheChecks: the first draw is the
// seed's example, a passing property runs the number of checks asked
// (-short or not), and rapid's flags are put back.
func TestCheck_startsFromTheSeedAndRunsTheChecks(t *testing.T) {
	before := map[string]string{}
	for _, name := range []string{"rapid.seed", "rapid.checks", "rapid.nofailfile"} {
		before[name] = flag.Lookup(name).Value.String()
	}
	for _, seed := range []uint64{1, 7, 1 << 40} {
		want := ints.Example(int(seed)) //nolint:gosec // rapid converts it back to uint64
		got, failed := draws(t, seed, 3, func(int) bool { return false })
		assert.False(t, failed)
		require.Len(t, got, 3, "seed %d", seed)
		assert.Equal(t, want, got[0], "seed %d: the first draw is the seed's example", seed)
	}
	for name, v := range before {
		assert.Equal(t, v, flag.Lookup(name).Value.String(), "-%s is restored", name)
	}
}

// TestCheck_shrinksAFailure: a property that fails for v >= 1000 fails,
// its last call is the minimal failing case, and no fail file is written.
func TestCheck_shrinksAFailure(t *testing.T) {
	var seed uint64
	for s := uint64(1); s < 100; s++ {
		if ints.Example(int(s)) >= 1000 { //nolint:gosec // as above
			seed = s
			break
		}
	}
	require.NotZero(t, seed, "no seed in 1..99 draws 1000 or more first")
	got, failed := draws(t, seed, 1, func(v int) bool { return v >= 1000 })
	assert.True(t, failed)
	assert.Greater(t, len(got), 1, "rapid shrank")
	assert.Equal(t, 1000, got[len(got)-1], "the last call is the minimal failing case")
	_, err := os.Stat("testdata/rapid")
	assert.True(t, os.IsNotExist(err), "no rapid fail file")
}

// TestCheck_concurrentCallsDoNotMix: each of several concurrent calls
// starts from its own seed, as the lock guarantees. The calls are quick,
// so without the lock this fails reliably only under -race (a data race
// on rapid's flags).
func TestCheck_concurrentCallsDoNotMix(t *testing.T) {
	seeds := []uint64{3, 5, 9, 17, 33, 65}
	want := map[uint64]int{}
	for _, s := range seeds {
		want[s] = ints.Example(int(s)) //nolint:gosec // as above
	}
	var wg sync.WaitGroup
	for _, s := range seeds {
		wg.Go(func() {
			var first []int
			_, err := Check(s, 2, func(rt *rapid.T) { first = append(first, ints.Draw(rt, "v")) })
			assert.NoError(t, err)
			if assert.NotEmpty(t, first) {
				assert.Equal(t, want[s], first[0], "seed %d", s)
			}
		})
	}
	wg.Wait()
}

func TestCheck_badArguments(t *testing.T) {
	called := false
	prop := func(*rapid.T) { called = true }
	_, err := Check(0, 1, prop)
	assert.ErrorContains(t, err, "seed 0")
	_, err = Check(1, 0, prop)
	assert.ErrorContains(t, err, "0 checks")
	assert.False(t, called)
}
