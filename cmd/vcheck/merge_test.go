package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/runner"
)

// coverageRows is what a run's coverage says per code.
func coverageRows(s runner.Summary) []string {
	var out []string
	for _, c := range s.Coverage {
		out = append(out, fmt.Sprintf("%d exercised=%d passed=%d failed=%d %s", c.Code, c.Exercised, c.Passed, c.Failed, c.State))
	}
	return out
}

// groupCounts is each finding group's key and count.
func groupCounts(s runner.Summary) []string {
	var out []string
	for _, g := range s.Groups {
		out = append(out, fmt.Sprintf("%d/%s/%s/%s x%d", g.Code, g.Check, g.Family, g.Observed, g.Count))
	}
	sort.Strings(out)
	return out
}

// shardRuns runs shard i/n of one run for i = 1..n, each with its JSON
// report, and returns the report paths.
func shardRuns(t *testing.T, dir string, n int, args ...string) []string {
	t.Helper()
	var paths []string
	for i := 1; i <= n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("shard%d.json", i))
		code, _, stderr := cli(t, "", append([]string{"run", "--shard", fmt.Sprintf("%d/%d", i, n), "--json", p}, args...)...)
		require.Contains(t, []int{exitOK, exitBroken}, code, "shard %d/%d: %s", i, n, stderr)
		paths = append(paths, p)
	}
	return paths
}

// TestMerge_shardsMakeTheUnshardedRun: the four shards of a drifted run,
// merged, have the unsharded run's coverage, findings, cases and verdict.
func TestMerge_shardsMakeTheUnshardedRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"--seed", "7", "--cases", "3", "--drift", "wrong-status-string"}
	whole := filepath.Join(dir, "whole.json")
	code, _, stderr := cli(t, "", append([]string{"run", "--json", whole}, args...)...)
	require.Equal(t, exitBroken, code, stderr)
	want := readReport(t, whole)

	shards := shardRuns(t, dir, 4, args...)
	merged := filepath.Join(dir, "merged.json")
	xml, md := filepath.Join(dir, "merged.xml"), filepath.Join(dir, "merged.md")
	// Flags after the reports, as a CI step writes them.
	code, stdout, stderr := cli(t, "", append(append([]string{"merge"}, shards...), "--json", merged, "--junit", xml, "--markdown", md)...)
	require.Equal(t, exitBroken, code, stderr)
	assert.Contains(t, stdout, "FAIL")
	got := readReport(t, merged)

	assert.Equal(t, coverageRows(want.Summary), coverageRows(got.Summary))
	assert.Equal(t, groupCounts(want.Summary), groupCounts(got.Summary))
	assert.Equal(t, want.Summary.Checks, got.Summary.Checks)
	assert.Equal(t, causeCounts(&want.Summary), causeCounts(&got.Summary), "the same causes, with the same cases, codes and groups")
	assert.Equal(t, want.Summary.Planned, got.Summary.Planned)
	assert.Equal(t, want.Summary.Sent, got.Summary.Sent)
	assert.Len(t, got.Cases, len(want.Cases))
	assert.Equal(t, want.Summary.Verdict, got.Summary.Verdict)
	assert.Equal(t, 4, got.Summary.Merged)
	assert.Empty(t, got.Summary.Shard)
	for _, p := range []string{xml, md} {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.NotEmpty(t, b, p)
	}
}

// TestMerge_requiredCodesAreJudgedAcrossShards: with --require-codes all,
// no shard fails for a code another shard covers, and the merge judges
// every required code.
func TestMerge_requiredCodesAreJudgedAcrossShards(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"--seed", "11", "--cases", "1", "--require-codes", "all"}
	var paths []string
	for i := 1; i <= 4; i++ {
		p := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		code, _, stderr := cli(t, "", append([]string{"run", "--shard", fmt.Sprintf("%d/4", i), "--json", p}, args...)...)
		assert.Equal(t, exitOK, code, "shard %d/4 must not fail for codes other shards cover: %s", i, stderr)
		paths = append(paths, p)
	}
	merged := filepath.Join(dir, "m.json")
	code, _, stderr := cli(t, "", append([]string{"merge", "--json", merged}, paths...)...)
	require.Equal(t, exitOK, code, stderr)
	s := readReport(t, merged).Summary
	require.NotEmpty(t, s.Required)
	for _, c := range s.Coverage {
		for _, r := range s.Required {
			if c.Code == r {
				assert.Positive(t, c.Exercised, "required code %d", r)
			}
		}
	}
}

// TestMerge_refusesWhatIsNotOneRun: reports of different runs, a shard
// twice, a shard missing, an unsharded report and a file that is not a
// report are configuration errors (exit 2) that name what is wrong.
func TestMerge_refusesWhatIsNotOneRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shards := shardRuns(t, dir, 2, "--seed", "7", "--cases", "4", "--only", "40005")
	other := filepath.Join(dir, "other.json")
	code, _, stderr := cli(t, "", "run", "--shard", "2/2", "--seed", "8", "--cases", "4", "--only", "40005", "--json", other)
	require.Contains(t, []int{exitOK, exitBroken}, code, stderr)
	flags := filepath.Join(dir, "flags.json")
	code, _, stderr = cli(t, "", "run", "--shard", "2/2", "--seed", "7", "--cases", "4", "--only", "40005", "--errata", "strict", "--json", flags)
	require.Contains(t, []int{exitOK, exitBroken}, code, stderr)
	count := filepath.Join(dir, "count.json")
	code, _, stderr = cli(t, "", "run", "--shard", "2/3", "--seed", "7", "--cases", "4", "--only", "40005", "--json", count)
	require.Contains(t, []int{exitOK, exitBroken}, code, stderr)
	whole := filepath.Join(dir, "whole.json")
	code, _, stderr = cli(t, "", "run", "--seed", "7", "--cases", "4", "--only", "40005", "--json", whole)
	require.Contains(t, []int{exitOK, exitBroken}, code, stderr)
	junk := filepath.Join(dir, "junk.json")
	require.NoError(t, os.WriteFile(junk, []byte("<html>"), 0o644))

	rows := []struct {
		name  string
		files []string
		say   []string
	}{
		{"different seed", []string{shards[0], other}, []string{shards[0], other, "seed 7 against 8"}},
		{"different flags", []string{shards[0], flags}, []string{"flags", "--errata strict"}},
		{"different shard count", []string{shards[0], count}, []string{"shard count 2 against 3"}},
		{"shard twice", []string{shards[0], shards[1], shards[1]}, []string{"both shard 2/2"}},
		{"shard missing", []string{shards[1]}, []string{"shard(s) 1/2 missing"}},
		{"not a shard report", []string{whole, shards[0]}, []string{whole, "not a shard report"}},
		{"not a report", []string{shards[0], junk}, []string{junk, "not a vcheck JSON report"}},
		{"no such file", []string{shards[0], filepath.Join(dir, "nope.json")}, []string{"nope.json"}},
		{"nothing", nil, []string{"no report to merge"}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "m.json")
			code, _, stderr := cli(t, "", append([]string{"merge", "--json", out}, row.files...)...)
			assert.Equal(t, exitUsage, code, stderr)
			for _, s := range row.say {
				assert.Contains(t, stderr, s)
			}
			assert.NoFileExists(t, out, "a refused merge writes no report")
		})
	}
}

// causeCounts is each cause's key with its cases, codes and groups.
func causeCounts(s *runner.Summary) map[string]string {
	out := map[string]string{}
	for _, c := range s.Causes {
		out[c.Key()] = fmt.Sprintf("%d cases, codes %v, %d groups, %d open, also %v", c.Cases, c.Codes, c.Groups, c.Open, c.Also)
	}
	return out
}
