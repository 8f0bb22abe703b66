package runner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/conformance"
)

// planned is one case to send: which family, which index, which seed.
type planned struct {
	fam   *conformance.Family
	index int
	seed  uint64
}

// selection is the families a run sends, and why the others are left out.
type selection struct {
	families []conformance.Family
	// excluded maps a documented code to why no family exercises it here.
	excluded map[int]string
	skipped  map[string]int
}

// selectFamilies applies --only/--skip and the safety rules.
func selectFamilies(all []conformance.Family, o *Options, loopback bool) selection {
	sel := selection{excluded: map[int]string{}, skipped: map[string]int{}}
	for _, f := range all {
		codes := f.Codes
		switch {
		case len(o.Only) > 0 && !slices.ContainsFunc(codes, func(c int) bool { return slices.Contains(o.Only, c) }):
			continue
		case len(o.Skip) > 0 && len(codes) > 0 && !slices.ContainsFunc(codes, func(c int) bool { return !slices.Contains(o.Skip, c) }):
			continue
		case f.SideEffects && !sideEffectsAllowed(o, loopback):
			why := "could start a real verification: needs --allow-side-effects --test-number"
			for _, c := range codes {
				sel.excluded[c] = why
			}
			sel.skipped["side effects ("+f.Name+")"] += o.Cases
			continue
		}
		sel.families = append(sel.families, f)
	}
	return sel
}

// sideEffectsAllowed reports whether a run may send requests that start a
// verification when the target executes them: to a loopback target, or
// with the user's explicit consent and a test number of their own
// (design.md, safety toward real endpoints). It decides both which
// families are sent and whether authentication defects may ride on starts.
func sideEffectsAllowed(o *Options, loopback bool) bool {
	return loopback || (o.AllowSideEffects && o.TestNumber != "")
}

// AuthBase says which valid requests the authentication families (40100 to
// 40107) applied their defects to, and why a start was not among them.
type AuthBase struct {
	// Requests are conformance.AuthBase* names: start, report, status.
	Requests []string `json:"requests"`
	// Why says why no start was used; empty when starts were.
	Why string `json:"why,omitempty"`
}

// String reads "start, report, status" or "report, status (no start: ...)".
func (a AuthBase) String() string {
	s := strings.Join(a.Requests, ", ")
	if a.Why != "" {
		s += " (no start: " + a.Why + ")"
	}
	return s
}

// authBaseOf describes the auth base of copts, or nil when no
// authentication family was selected.
func authBaseOf(copts conformance.Options, fams []conformance.Family) *AuthBase {
	if !slices.ContainsFunc(fams, func(f conformance.Family) bool {
		return slices.ContainsFunc(f.Codes, func(c int) bool { return c/100 == 401 })
	}) {
		return nil
	}
	a := &AuthBase{Requests: copts.AuthBases()}
	if !copts.StartBase {
		// normalise refuses --allow-side-effects without --test-number,
		// so the target being elsewhere without consent is the one reason.
		a.Why = "not loopback, no --allow-side-effects"
	}
	return a
}

// inShard reports whether the case with this seed belongs to this run's
// shard. The split hangs on the case seed alone, so the shards of one run
// seed are disjoint and together hold every case of the unsharded plan.
func inShard(o *Options, seed uint64) bool {
	if o.Shards <= 1 {
		return true
	}
	return int(seed%uint64(o.Shards)) == o.Shard-1
}

// plan lists this shard's cases in coverage-first order: first, for every
// family, the cases that together reach each of its codes (a family such
// as the stateful one expects different codes from different cases); then
// the remaining cases round-robin across families, so that a budget covers
// every triggerable code before it explores.
//
// The plan is that of the unsharded run, filtered by inShard: the covering
// cases are chosen once, for the whole run, and each lands in exactly one
// shard, so the shards of a run are a partition of its cases (a shard may
// then hold no covering case of a code; see requiredHere).
func plan(fams []conformance.Family, o *Options, runSeed uint64) []planned {
	var out []planned
	add := func(j, i int) {
		seed := conformance.CaseSeed(runSeed, fams[j].Name, i)
		if inShard(o, seed) {
			out = append(out, planned{fam: &fams[j], index: i, seed: seed})
		}
	}
	taken := make([]map[int]bool, len(fams))
	for j := range fams {
		taken[j] = map[int]bool{}
		idx, _ := covering(&fams[j], o.Cases, runSeed)
		for _, i := range idx {
			taken[j][i] = true
			add(j, i)
		}
	}
	for i := range o.Cases {
		for j := range fams {
			if !taken[j][i] {
				add(j, i)
			}
		}
	}
	return out
}

// coverSearch bounds how many cases of a family are drawn to find ones
// that reach each of its codes.
const coverSearch = 64

// covering returns the case indexes of fam, in the unsharded run, whose
// cases together expect every code of the family (as far as coverSearch
// draws find them), and for each code so reached the seed of the case
// that covers it; for a single-code family, its first case.
func covering(fam *conformance.Family, cases int, runSeed uint64) ([]int, map[int]uint64) {
	by := map[int]uint64{}
	if len(fam.Codes) <= 1 {
		seed := conformance.CaseSeed(runSeed, fam.Name, 0)
		for _, c := range fam.Codes {
			by[c] = seed
		}
		return []int{0}, by
	}
	want := map[int]bool{}
	for _, c := range fam.Codes {
		want[c] = true
	}
	var out []int
	for i := 0; i < max(coverSearch, cases) && (len(want) > 0 || len(out) == 0); i++ {
		seed := conformance.CaseSeed(runSeed, fam.Name, i)
		c := conformance.DrawOne(*fam, seed)
		hit := false
		for _, code := range c.Expect.Codes {
			if want[code] {
				delete(want, code)
				by[code] = seed
				hit = true
			}
		}
		if hit {
			out = append(out, i)
		}
	}
	return out, by
}

// requiredHere is the part of the required codes a shard answers for: the
// codes whose covering case is in this shard. A required code covered in
// another shard, or by no covering case at all, is judged when the shards
// are merged (vcheck merge), across all of them; an unsharded run answers
// for every required code.
func requiredHere(fams []conformance.Family, o *Options, runSeed uint64, required []int) []int {
	if o.Shards <= 1 {
		return required
	}
	owner := map[int]uint64{}
	for j := range fams {
		_, by := covering(&fams[j], o.Cases, runSeed)
		for code, seed := range by {
			if _, ok := owner[code]; !ok {
				owner[code] = seed
			}
		}
	}
	var out []int
	for _, code := range required {
		if seed, ok := owner[code]; ok && inShard(o, seed) {
			out = append(out, code)
		}
	}
	return out
}

// caseFlags are the flags that decide which families a run has, which
// case a seed draws, and how its answer is judged: what a --replay line
// must carry to select its family and fail the same way. Never a
// credential.
func caseFlags(o *Options) []string {
	var out []string
	if o.Target != "" {
		out = append(out, "--target", o.Target)
	}
	if o.MockMagic {
		out = append(out, "--mock-magic")
	}
	if o.AllowSideEffects {
		out = append(out, "--allow-side-effects")
	}
	if o.TestNumber != "" {
		out = append(out, "--test-number", o.TestNumber)
	}
	if o.Basic {
		out = append(out, "--auth", "basic")
	}
	if o.CatalogPath != "" {
		out = append(out, "--catalog", o.CatalogPath)
	}
	if o.Policy != conformance.PolicyDefault {
		out = append(out, "--errata", o.Policy.String())
	}
	if o.Drift != "" {
		out = append(out, "--drift", o.Drift)
	}
	return out
}

// runFlags are caseFlags plus the flags that decide which cases of those
// families a run plans and what it requires: the shards of one run agree
// on all of them (the seed and the shard count are compared apart).
func runFlags(o *Options) []string {
	out := append(caseFlags(o), "--cases", strconv.Itoa(o.Cases))
	codes := func(cs []int) string {
		s := make([]string, len(cs))
		for i, c := range cs {
			s[i] = strconv.Itoa(c)
		}
		return strings.Join(s, ",")
	}
	if len(o.Only) > 0 {
		out = append(out, "--only", codes(o.Only))
	}
	if len(o.Skip) > 0 {
		out = append(out, "--skip", codes(o.Skip))
	}
	switch {
	case o.RequireAll:
		out = append(out, "--require-codes", "all")
	case len(o.RequireCodes) > 0:
		out = append(out, "--require-codes", codes(o.RequireCodes))
	}
	return out
}

// parseReplay reads "FAMILY@SEED".
func parseReplay(s string) (family string, seed uint64, err error) {
	family, num, ok := strings.Cut(s, "@")
	if !ok || family == "" {
		return "", 0, configErr("Replay", ref("Replay"), fmt.Sprintf(" %q: want FAMILY@SEED as reports print it", s))
	}
	seed, err = strconv.ParseUint(num, 10, 64)
	if err != nil || seed == 0 {
		return "", 0, configErr("Replay", ref("Replay"), fmt.Sprintf(" %q: the seed is not a positive number", s))
	}
	return family, seed, nil
}

// parseShard reads a report's "I/N".
func parseShard(s string) (i, n int, ok bool) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, false
	}
	return i, n, true
}

func familyList(fams []conformance.Family) string {
	names := make([]string, len(fams))
	for i, f := range fams {
		names[i] = f.Name
	}
	return fmt.Sprint(names)
}
