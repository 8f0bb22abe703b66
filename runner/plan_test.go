package runner

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// caseID names a planned case independently of the family slice it points into.
type caseID struct {
	family string
	index  int
	seed   uint64
}

func ids(ps []planned) []caseID {
	out := make([]caseID, len(ps))
	for i, p := range ps {
		out[i] = caseID{p.fam.Name, p.index, p.seed}
	}
	return out
}

// planFamilies is the family selection of a run with these options.
func planFamilies(o *Options, magic, loopback bool) []conformance.Family {
	copts := conformance.Options{Catalog: contracts.DefaultCatalog(), Magic: magic, StartBase: loopback}
	return selectFamilies(conformance.Families(copts), o, loopback).families
}

// TestPlan_shardsPartitionTheRun: the shards i/n of one run seed plan,
// together, exactly the cases of the unsharded run, each in one shard.
//
// Not parallel: rapid.Check reads rapid's process-wide flags, which the
// shrinking of the parallel runs sets (internal/rapidrun); a sequential
// test runs before any parallel one resumes, so the two never overlap
// (-race caught them overlapping).
func TestPlan_shardsPartitionTheRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64Min(1).Draw(t, "seed")
		maxShards, maxCases := 8, 40
		if raceBuild {
			maxShards, maxCases = 3, 8
		}
		n := rapid.IntRange(1, maxShards).Draw(t, "shards")
		cases := rapid.IntRange(1, maxCases).Draw(t, "cases")
		magic := rapid.Bool().Draw(t, "magic")
		whole := &Options{Cases: cases}
		fams := planFamilies(whole, magic, true)
		want := ids(plan(fams, whole, seed))

		seen := map[caseID]string{}
		var got []caseID
		for i := 1; i <= n; i++ {
			o := &Options{Cases: cases, Shard: i, Shards: n}
			for _, id := range ids(plan(planFamilies(o, magic, true), o, seed)) {
				shard := fmt.Sprintf("%d/%d", i, n)
				if prev, dup := seen[id]; dup {
					t.Fatalf("case %+v is planned in shard %s and in shard %s", id, prev, shard)
				}
				seen[id] = shard
				got = append(got, id)
			}
		}
		byKey := func(a, b caseID) int {
			if a.family != b.family {
				return compareStrings(a.family, b.family)
			}
			return a.index - b.index
		}
		slices.SortFunc(want, byKey)
		slices.SortFunc(got, byKey)
		if !slices.Equal(want, got) {
			t.Fatalf("the %d shards plan %d cases, the unsharded run %d: they differ", n, len(got), len(want))
		}
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestPlan_shardKeepsCoverageFirst: within a shard, the covering cases of
// the run that fall in it still come before the exploring ones.
func TestPlan_shardKeepsCoverageFirst(t *testing.T) {
	t.Parallel()
	whole := &Options{Cases: 10}
	fams := planFamilies(whole, true, true)
	cover := map[caseID]bool{}
	for j := range fams {
		idx, _ := covering(&fams[j], whole.Cases, 7)
		for _, i := range idx {
			cover[caseID{fams[j].Name, i, conformance.CaseSeed(7, fams[j].Name, i)}] = true
		}
	}
	for i := 1; i <= 4; i++ {
		o := &Options{Cases: 10, Shard: i, Shards: 4}
		got := ids(plan(planFamilies(o, true, true), o, 7))
		last := -1
		for k, id := range got {
			if cover[id] {
				assert.Equal(t, last+1, k, "shard %d/4: covering case %+v after an exploring one", i, id)
				last = k
			}
		}
	}
}

// TestPlan_requiredHereSplitsTheRequiredCodes: with shards, each required
// code that a covering case reaches is answered for by exactly one shard;
// without, the run answers for all of them.
func TestPlan_requiredHereSplitsTheRequiredCodes(t *testing.T) {
	t.Parallel()
	whole := &Options{Cases: 5}
	fams := planFamilies(whole, true, true)
	var required []int
	for _, f := range fams {
		required = append(required, f.Codes...)
	}
	slices.Sort(required)
	required = slices.Compact(required)
	require.NotEmpty(t, required)
	assert.Equal(t, required, requiredHere(fams, whole, 7, required))

	answered := map[int]int{}
	for i := 1; i <= 4; i++ {
		o := &Options{Cases: 5, Shard: i, Shards: 4}
		for _, code := range requiredHere(planFamilies(o, true, true), o, 7, required) {
			answered[code]++
		}
	}
	for _, code := range required {
		assert.Equal(t, 1, answered[code], "code %d is answered for by %d shards", code, answered[code])
	}
}
