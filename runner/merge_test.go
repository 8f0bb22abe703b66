package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func shardSummary(shard string, exercised map[int]int, groups ...Group) *Summary {
	s := &Summary{Version: "v1", Seed: 7, Flags: []string{"--cases", "2"}, Shard: shard, Embedded: true, Verdict: VerdictPass, Required: []int{40001, 40005}}
	for _, code := range []int{40001, 40005} {
		n := exercised[code]
		s.Coverage = append(s.Coverage, CodeCoverage{Code: code, Exercised: n, Passed: n, State: CoverageNotExercised})
		s.Sent += n
	}
	s.Groups = groups
	return s
}

// TestMerge_requiredCodesJudgedAcrossShards: a required code that one
// shard exercised is met; one that no shard exercised fails the merge.
func TestMerge_requiredCodesJudgedAcrossShards(t *testing.T) {
	t.Parallel()
	a := shardSummary("1/2", map[int]int{40001: 2})
	b := shardSummary("2/2", map[int]int{40005: 1})
	s := mergeSummaries([]int{0, 1}, []*Summary{a, b})
	assert.Equal(t, VerdictPass, s.Verdict, s.Reason)
	assert.Equal(t, CoveragePassed, s.Coverage[1].State)

	b = shardSummary("2/2", map[int]int{40001: 1})
	s = mergeSummaries([]int{0, 1}, []*Summary{a, b})
	assert.Equal(t, VerdictBroken, s.Verdict)
	assert.Contains(t, s.Reason, "required code(s) not exercised: 40005")
}

// TestMerge_confirmedExampleStandsForTheGroup: a group flaky in one shard
// and confirmed in another is a confirmed failure, counted across both.
func TestMerge_confirmedExampleStandsForTheGroup(t *testing.T) {
	t.Parallel()
	flaky := Group{Code: 40001, Check: "status", Family: "40001", Count: 2, Flaky: true, Example: Example{Replay: "flaky"}}
	confirmed := Group{Code: 40001, Check: "status", Family: "40001", Count: 3, Example: Example{Replay: "real", Confirmed: true}}
	s := mergeSummaries([]int{0, 1}, []*Summary{
		shardSummary("1/2", map[int]int{40001: 2, 40005: 1}, flaky),
		shardSummary("2/2", map[int]int{40001: 3}, confirmed),
	})
	if assert.Len(t, s.Groups, 1) {
		assert.Equal(t, 5, s.Groups[0].Count)
		assert.False(t, s.Groups[0].Flaky)
		assert.Equal(t, "real", s.Groups[0].Example.Replay)
	}
	assert.Equal(t, VerdictBroken, s.Verdict)
}

// TestMerge_unjudgedShardIsNoPass: a shard that could not judge the target
// keeps the merged run from passing.
func TestMerge_unjudgedShardIsNoPass(t *testing.T) {
	t.Parallel()
	a := shardSummary("1/2", map[int]int{40001: 2, 40005: 1})
	b := &Summary{Version: "v1", Seed: 7, Flags: []string{"--cases", "2"}, Shard: "2/2", Verdict: VerdictConfig, Reason: "no credentials"}
	s := mergeSummaries([]int{0, 1}, []*Summary{a, b})
	assert.Equal(t, VerdictConfig, s.Verdict)
	assert.Equal(t, "shard 2/2: no credentials", s.Reason)
}
