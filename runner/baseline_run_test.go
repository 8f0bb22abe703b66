package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/runner"
)

// These tests go through Run against the embedded mock and its drift
// mutants, and read the baseline file as JSON, so that they judge what a
// user of --baseline sees, whatever the baseline's Go types.

// gateRun is a small strict run against a drift mutant: strict, because
// the gate runs strict and the default policy accepts wrong-code (erratum 1).
func gateRun(drift string, only []int, cases int, seed uint64, baseline string, update bool) runner.Options {
	return runner.Options{Drift: drift, Only: only, Cases: cases, Seed: seed, Policy: conformance.PolicyStrict,
		Timeout: 5 * time.Second, Baseline: baseline, UpdateBaseline: update}
}

func openGroups(s *runner.Summary) []string {
	var open []string
	for _, g := range s.Groups {
		if !g.Accepted && !g.Flaky {
			open = append(open, g.Key()+" ("+g.Family+")")
		}
	}
	return open
}

// TestRun_baselineHoldsAtEverySeed: a baseline written at one seed accepts
// the same drift mutant's deviation at other seeds, which draw other
// variants of the same defect, and does not hide another mutant's.
func TestRun_baselineHoldsAtEverySeed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// drift is what the baseline accepts, other what it must not hide.
		drift, other string
		only         []int
		// writeCases is small so that the writing run draws only some
		// variants of the defect.
		writeCases int
		// code and check name a group of other that has the code, check and
		// class of an accepted deviation, with another answered value.
		code  int
		check string
	}{
		{name: "40002 for a missing plus, then not JSON", drift: "wrong-code", other: "html-error-page", only: []int{40005},
			writeCases: 1, code: 40005, check: conformance.CheckErrorCode},
		{name: "timestamp ignored, then signature ignored", drift: "ignore-timestamp", other: "accept-bad-signature", only: []int{40101, 40102},
			writeCases: 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "baseline.json")
			w, err := runner.Run(ctx, gateRun(tt.drift, tt.only, tt.writeCases, 1, path, true))
			require.NoError(t, err)
			require.NotEmpty(t, w.Groups, "the mutant shows no deviation")
			assert.Equal(t, runner.VerdictPass, w.Verdict, "an update run accepts what it wrote: %v", openGroups(w))

			for _, seed := range []uint64{2, 3, 5, 8, 13, 21} {
				s, err := runner.Run(ctx, gateRun(tt.drift, tt.only, 4, seed, path, false))
				require.NoError(t, err, "seed %d", seed)
				assert.Empty(t, openGroups(s), "seed %d: the baseline written at seed 1 leaves deviations open", seed)
				assert.Equal(t, runner.VerdictPass, s.Verdict, "seed %d", seed)
			}

			s, err := runner.Run(ctx, gateRun(tt.other, tt.only, 4, 2, path, false))
			require.NoError(t, err)
			assert.Equal(t, runner.VerdictBroken, s.Verdict, "the baseline of %s hides %s", tt.drift, tt.other)
			if tt.code != 0 {
				i := slices.IndexFunc(s.Groups, func(g runner.Group) bool { return g.Code == tt.code && g.Check == tt.check })
				require.GreaterOrEqual(t, i, 0, "%s shows no %d %s finding", tt.other, tt.code, tt.check)
				assert.False(t, s.Groups[i].Accepted, "accepting one answer accepted another: %+v", s.Groups[i])
			}
		})
	}
}

// TestDiff_sameDeviationAtAnotherSeed: two runs against one mutant at
// different seeds draw different variants; the diff shows no finding only
// in one of them.
func TestDiff_sameDeviationAtAnotherSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, err := runner.Run(ctx, gateRun("wrong-code", []int{40005}, 1, 1, "", false))
	require.NoError(t, err)
	for _, seed := range []uint64{2, 3, 5, 8, 13} {
		b, err := runner.Run(ctx, gateRun("wrong-code", []int{40005}, 4, seed, "", false))
		require.NoError(t, err)
		d := runner.Diff(a, b)
		assert.Empty(t, d.OnlyA, "seed %d", seed)
		assert.Empty(t, d.OnlyB, "seed %d", seed)
	}
}

// countingTarget is a loopback target that counts the requests it gets.
func countingTarget(t *testing.T) (string, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// TestRun_invalidBaselineIsAConfigError: a baseline that cannot be read or
// validated stops the run before any request, with or without
// --update-baseline, names the entry, and is left byte for byte.
func TestRun_invalidBaselineIsAConfigError(t *testing.T) {
	t.Parallel()
	const oneBad = `{
  "format": 1,
  "created": "2026-11-01T00:00:00Z",
  "target": "https://verification.api.sinch.com",
  "entries": [
    {"code": 40005, "check": "error-code", "family": "40005/no-plus", "reason": "erratum 1: the sandbox answers 40002"},
    {"code": 40101, "check": "http-status", "family": "40101/skewed", "reason": ""}
  ]
}
`
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{name: "an entry without a reason", content: oneBad, want: []string{"entries[1]", "40101/http-status/40101"}},
		{name: "not JSON", content: "{\"format\": 1, \"entries\": [", want: []string{"not a vcheck baseline"}},
		{name: "an unknown format", content: `{"format": 9, "entries": []}`, want: []string{"format 9"}},
	}
	for _, tt := range tests {
		for _, update := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, update %v", tt.name, update), func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "baseline.json")
				require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o644))
				url, sent := countingTarget(t)
				o := runner.Options{Target: url, Cases: 1, Only: []int{40005}, Baseline: path, UpdateBaseline: update,
					Credentials: contracts.Credentials{Key: "k", Secret: contracts.NewSecret("c2VjcmV0")}}
				_, err := runner.Run(context.Background(), o)
				require.ErrorIs(t, err, runner.ErrConfig, "update=%v", update)
				for _, w := range tt.want {
					assert.Contains(t, err.Error(), w, "update=%v", update)
				}
				assert.Contains(t, err.Error(), path)
				assert.Zero(t, sent.Load(), "an invalid baseline cost a run")
				got, err := os.ReadFile(path)
				require.NoError(t, err)
				assert.Equal(t, tt.content, string(got), "update=%v: the baseline was changed", update)
			})
		}
	}
}

// TestRun_updateBaselineCannotWrite: a baseline that cannot be written is
// an error that says so, before anything is sent.
func TestRun_updateBaselineCannotWrite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "no-such-dir", "baseline.json")
	url, sent := countingTarget(t)
	o := runner.Options{Target: url, Cases: 1, Only: []int{40005}, Baseline: path, UpdateBaseline: true,
		Credentials: contracts.Credentials{Key: "k", Secret: contracts.NewSecret("c2VjcmV0")}}
	_, err := runner.Run(context.Background(), o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "UpdateBaseline")
	assert.Contains(t, err.Error(), path)
	assert.Zero(t, sent.Load())
	assert.NoFileExists(t, path)
}

// reasons reads a baseline file's entries as JSON: reason by check.
func reasons(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var b struct {
		Entries []map[string]any `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(data, &b))
	out := map[string][]string{}
	for _, e := range b.Entries {
		k := strings.Join([]string{jsonNumber(e["code"]), e["check"].(string)}, "/")
		out[k] = append(out[k], e["reason"].(string))
	}
	return out
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestRun_updateBaselineKeepsWhatPeopleWrote: an update keeps the reason
// of every entry that still applies and of every entry the run did not
// exercise (--only), drops what it exercised and no longer saw, gives new
// entries a reason that says to edit it, says what it did, and passes.
func TestRun_updateBaselineKeepsWhatPeopleWrote(t *testing.T) {
	t.Parallel()
	const old = `{
  "format": 1,
  "created": "2026-11-01T00:00:00Z",
  "target": "embedded mock",
  "entries": [
    {"code": 40005, "check": "error-code", "family": "40005/no-plus", "reason": "erratum 1: the sandbox answers 40002"},
    {"code": 40005, "check": "http-status", "family": "40005/no-plus", "reason": "fixed last week"},
    {"code": 40101, "check": "malformed-rejected", "family": "40101/absent", "reason": "ticket 77: the sandbox ignores x-timestamp"}
  ]
}
`
	for _, seed := range []uint64{1, 4, 9} {
		path := filepath.Join(t.TempDir(), "baseline.json")
		require.NoError(t, os.WriteFile(path, []byte(old), 0o644))
		var out bytes.Buffer
		o := gateRun("wrong-code", []int{40005}, 3, seed, path, true)
		s, err := runner.Run(context.Background(), o, runner.TextSummary(&out, 0))
		require.NoError(t, err, "seed %d", seed)
		assert.Equal(t, runner.VerdictPass, s.Verdict, "seed %d: a written baseline is not a failed run: %v", seed, openGroups(s))

		got := reasons(t, path)
		assert.Equal(t, []string{"erratum 1: the sandbox answers 40002"}, got["40005/error-code"], "seed %d: the reason of an entry that still applies", seed)
		assert.Equal(t, []string{"ticket 77: the sandbox ignores x-timestamp"}, got["40101/malformed-rejected"], "seed %d: --only 40005 says nothing about 40101", seed)
		assert.NotContains(t, got, "40005/http-status", "seed %d: exercised and not seen: dropped", seed)
		require.Len(t, got["40005/status-string"], 1, "seed %d: the new deviation", seed)
		assert.Contains(t, got["40005/status-string"][0], "EDIT ME", "seed %d", seed)
		assert.Contains(t, out.String(), "baseline: wrote "+path+": 1 added, 2 kept, 1 dropped\n", "seed %d", seed)
		assert.NotContains(t, out.String(), "no longer occurs", "seed %d", seed)

		// The written file is one a compare run reads and passes with.
		_, err = runner.LoadBaseline(path)
		require.NoError(t, err)
		s, err = runner.Run(context.Background(), gateRun("wrong-code", []int{40005}, 3, seed+100, path, false))
		require.NoError(t, err)
		assert.Equal(t, runner.VerdictPass, s.Verdict, "seed %d: %v", seed, openGroups(s))
	}
}

// TestRun_goneOnlyWhenExercised: a compare run says an accepted deviation
// no longer occurs only when it exercised it.
func TestRun_goneOnlyWhenExercised(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "baseline.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"format": 1, "entries": [
    {"code": 40005, "check": "http-status", "family": "40005/no-plus", "reason": "fixed last week"},
    {"code": 40101, "check": "malformed-rejected", "family": "40101/absent", "reason": "ticket 77"}
  ]}`), 0o644))
	var out bytes.Buffer
	o := runner.Options{Only: []int{40005}, Cases: 2, Seed: 3, Baseline: path}
	s, err := runner.Run(context.Background(), o, runner.TextSummary(&out, 0))
	require.NoError(t, err)
	assert.Equal(t, runner.VerdictPass, s.Verdict)
	assert.Contains(t, out.String(), "fixed last week")
	assert.NotContains(t, out.String(), "ticket 77", "--only 40005 did not exercise 40101")
}
