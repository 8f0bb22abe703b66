package runner

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Merge reads the JSON reports of the shards of one run (vcheck run
// --shard I/N --json FILE) and hands the report of the whole run to reps:
// its coverage and findings are those of the unsharded run at the same
// seed, its cases (for a CaseReporter) are every shard's, and its verdict is
// judged again across the shards, the required codes included. It refuses,
// with a *ConfigError that names the files, reports that are not shards of
// one run (version, seed, flags or shard count differ), a shard given twice,
// and a missing shard: a merge of part of a run would read like all of it.
// Every Checker is checked before the cases are read.
func Merge(paths []string, reps ...Reporter) (*Summary, error) {
	if len(paths) == 0 {
		return nil, configf("no report to merge: give the JSON reports of every shard (vcheck run --shard I/N --json FILE)")
	}
	parts := make([]*Summary, len(paths))
	for i, p := range paths {
		s, err := ReadSummary(p)
		if err != nil {
			return nil, configErr("", err)
		}
		parts[i] = s
	}
	order, err := checkShards(paths, parts)
	if err != nil {
		return nil, err
	}
	s := mergeSummaries(order, parts)

	rs := reporters(reps)
	defer rs.close()
	if err := rs.check(); err != nil {
		return nil, err
	}
	if rs.takesCases() {
		n := 0
		for _, i := range order {
			_, err := readReport(paths[i], func(rec *CaseRecord) error {
				rec.Case = n
				n++
				rs.add(rec)
				return nil
			})
			if err != nil {
				return nil, configErr("", err)
			}
		}
	}
	return s, rs.report(s)
}

// checkShards makes sure the summaries are the shards of one run, each
// once and none missing, and returns their indexes in shard order.
func checkShards(paths []string, parts []*Summary) ([]int, error) {
	type shard struct{ i, n int }
	shards := make([]shard, len(parts))
	for k, s := range parts {
		i, n, ok := parseShard(s.Shard)
		switch {
		case s.Shard == "":
			return nil, configf("%s: not a shard report (the run had no --shard); there is nothing to merge it with", paths[k])
		case !ok:
			return nil, configf("%s: shard %q: want I/N", paths[k], s.Shard)
		case len(s.Flags) == 0:
			return nil, configf("%s: the report does not record the run's flags (written by an older vcheck): run the shards again", paths[k])
		}
		shards[k] = shard{i, n}
	}
	first := parts[0]
	for k, s := range parts[1:] {
		k++
		var diff []string
		if s.Version != first.Version {
			diff = append(diff, fmt.Sprintf("version %s against %s", first.Version, s.Version))
		}
		if s.Seed != first.Seed {
			diff = append(diff, fmt.Sprintf("seed %d against %d", first.Seed, s.Seed))
		}
		if s.Embedded != first.Embedded {
			diff = append(diff, fmt.Sprintf("target %q against %q", first.Target, s.Target))
		}
		if !slices.Equal(s.Flags, first.Flags) {
			diff = append(diff, fmt.Sprintf("flags %q against %q", strings.Join(first.Flags, " "), strings.Join(s.Flags, " ")))
		}
		if shards[k].n != shards[0].n {
			diff = append(diff, fmt.Sprintf("shard count %d against %d", shards[0].n, shards[k].n))
		}
		if len(diff) > 0 {
			return nil, configf("%s and %s are not shards of one run: %s", paths[0], paths[k], strings.Join(diff, "; "))
		}
	}
	n := shards[0].n
	at := make([]int, n+1)
	for i := range at {
		at[i] = -1
	}
	for k, sh := range shards {
		if prev := at[sh.i]; prev >= 0 {
			return nil, configf("%s and %s are both shard %d/%d", paths[prev], paths[k], sh.i, n)
		}
		at[sh.i] = k
	}
	var missing []string
	order := make([]int, 0, n)
	for i := 1; i <= n; i++ {
		if at[i] < 0 {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
			continue
		}
		order = append(order, at[i])
	}
	if len(missing) > 0 {
		return nil, configf("shard(s) %s missing: a merge of part of the run would not be the run's report", strings.Join(missing, ", "))
	}
	return order, nil
}

// mergeSummaries folds the shards' summaries, in order, into the summary
// of the whole run. Counts add up; a finding group keeps the example of
// its first shard whose re-send confirmed it; the run's wall time is the
// longest shard's. The verdict is judged again over the merged findings,
// coverage and required codes; a shard that ended without judging the
// target (configuration, unreachable, unjudged) keeps a merged pass from
// being a pass.
func mergeSummaries(order []int, parts []*Summary) *Summary {
	first := parts[order[0]]
	s := &Summary{Version: first.Version, Target: first.Target, Embedded: first.Embedded, Seed: first.Seed,
		Flags: first.Flags, Merged: len(order), Started: first.Started, Required: first.Required}
	if s.Embedded {
		s.Target = "embedded mock"
	}
	cov := map[int]*CodeCoverage{}
	var codes []int
	tally := map[string]*CheckTally{}
	groups := map[string]*Group{}
	var gorder []string
	transport := map[string]*Group{}
	var torder []string
	obs := map[string]*Observation{}
	var oorder []string
	for _, k := range order {
		p := parts[k]
		if p.Started.Before(s.Started) {
			s.Started = p.Started
		}
		s.Duration = max(s.Duration, p.Duration)
		s.Planned += p.Planned
		s.Sent += p.Sent
		s.Skipped += p.Skipped
		s.Requests += p.Requests
		if s.AuthBase == nil {
			s.AuthBase = p.AuthBase
		}
		for why, n := range p.SkippedWhy {
			if s.SkippedWhy == nil {
				s.SkippedWhy = map[string]int{}
			}
			s.SkippedWhy[why] += n
		}
		for _, c := range p.Coverage {
			m, ok := cov[c.Code]
			if !ok {
				m = &CodeCoverage{Code: c.Code, Status: c.Status, State: c.State, Why: c.Why}
				cov[c.Code] = m
				codes = append(codes, c.Code)
			}
			m.Exercised += c.Exercised
			m.Passed += c.Passed
			m.Failed += c.Failed
			if c.State == CoverageNotTriggerable && m.State != CoverageNotTriggerable {
				m.State, m.Why = c.State, c.Why
			}
		}
		for _, c := range p.Checks {
			key := strconv.Itoa(c.Code) + "/" + c.Check
			m, ok := tally[key]
			if !ok {
				m = &CheckTally{Code: c.Code, Check: c.Check}
				tally[key] = m
			}
			m.Passed += c.Passed
			m.Failed += c.Failed
		}
		for _, g := range p.Groups {
			key := groupKey(g.Code, g.Check, g.Family) + "/" + g.Observed
			m, ok := groups[key]
			if !ok {
				groups[key] = &g
				gorder = append(gorder, key)
				continue
			}
			count := m.Count + g.Count
			accepted := m.Accepted && g.Accepted
			if m.Flaky && !g.Flaky || !m.Example.Confirmed && g.Example.Confirmed && !g.Flaky {
				*m = g // a confirmed example stands for the group
			}
			m.Count, m.Accepted = count, accepted
			m.Flaky = m.Flaky && g.Flaky
		}
		for _, g := range p.Transport {
			key := groupKey(g.Code, g.Check, g.Family)
			if m, ok := transport[key]; ok {
				m.Count += g.Count
				continue
			}
			transport[key] = &g
			torder = append(torder, key)
		}
		for _, o := range p.Observations {
			key := fmt.Sprintf("%d/%d/%s", o.Erratum, o.Code, o.Text)
			if m, ok := obs[key]; ok {
				m.Count += o.Count
				continue
			}
			obs[key] = &o
			oorder = append(oorder, key)
		}
	}
	for _, code := range codes {
		c := *cov[code]
		switch {
		case c.Failed > 0:
			c.State, c.Why = CoverageFailed, ""
		case c.Exercised > 0:
			c.State, c.Why = CoveragePassed, ""
		}
		s.Coverage = append(s.Coverage, c)
	}
	keys := make([]string, 0, len(tally))
	for k := range tally {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s.Checks = append(s.Checks, *tally[k])
	}
	for _, k := range gorder {
		s.Groups = append(s.Groups, *groups[k])
	}
	for _, k := range torder {
		s.Transport = append(s.Transport, *transport[k])
	}
	for _, k := range oorder {
		s.Observations = append(s.Observations, *obs[k])
	}
	s.Causes = mergeCauses(order, parts)
	tallyCauses(s)
	s.Verdict, s.Reason = verdict(s, s.Required)
	if s.Verdict == VerdictPass {
		for _, k := range order {
			if p := parts[k]; p.Verdict != VerdictPass && p.Verdict != VerdictBroken {
				s.Verdict, s.Reason = p.Verdict, fmt.Sprintf("shard %s: %s", p.Shard, p.Reason)
				break
			}
		}
	}
	return s
}

// mergeCauses adds up the shards' causes by key: cases and the other
// symptoms' counts are summed, codes and classes joined, the first
// shard's example kept.
func mergeCauses(order []int, parts []*Summary) []Cause {
	byKey := map[string]*Cause{}
	var keys []string
	for _, i := range order {
		for _, c := range parts[i].Causes {
			m, ok := byKey[c.Key()]
			if !ok {
				cp := c
				cp.Also = nil
				cp.Cases = 0
				m = &cp
				byKey[c.Key()] = m
				keys = append(keys, c.Key())
			}
			m.Cases += c.Cases
			for k, n := range c.Also {
				if m.Also == nil {
					m.Also = map[string]int{}
				}
				m.Also[k] += n
			}
			for _, code := range c.Codes {
				if !slices.Contains(m.Codes, code) {
					m.Codes = append(m.Codes, code)
				}
			}
			for _, cl := range c.Classes {
				if !slices.Contains(m.Classes, cl) {
					m.Classes = append(m.Classes, cl)
				}
			}
		}
	}
	out := make([]Cause, 0, len(keys))
	for _, k := range keys {
		c := *byKey[k]
		slices.Sort(c.Codes)
		slices.Sort(c.Classes)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Cases > out[j].Cases })
	return out
}
