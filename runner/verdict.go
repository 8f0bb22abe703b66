package runner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vcheck/vcheck/contracts"
)

// verdict decides the run's outcome and says why in one line. Broken
// needs an open finding group that a re-send did not disprove; a run that
// judged no case is never a pass; a required code that no case exercised
// fails the run.
func verdict(s *Summary, required []int) (Verdict, string) {
	var open []string
	flaky := 0
	for _, g := range s.Groups {
		switch {
		case g.Accepted:
		case g.Flaky:
			flaky++
		default:
			open = append(open, fmt.Sprintf("%d %s", g.Code, g.Check))
		}
	}
	if len(open) > 0 {
		if causes := openCauses(s.Causes); len(causes) > 0 {
			c := causes[0]
			more := ""
			if len(causes) > 1 {
				more = fmt.Sprintf(" and %d other cause(s)", len(causes)-1)
			}
			return VerdictBroken, fmt.Sprintf("the target broke the documented contract: %d case(s) across %d code(s) answered %s%s; %d finding group(s)",
				c.Cases, len(c.Codes), strings.Join(c.Symptoms, "; "), more, len(open))
		}
		slices.Sort(open)
		open = slices.Compact(open)
		if len(open) > 5 {
			open = append(open[:5], "...")
		}
		return VerdictBroken, fmt.Sprintf("the target broke the documented contract: %s", strings.Join(open, ", "))
	}
	if s.Sent == 0 {
		switch {
		case len(s.Transport) > 0:
			return VerdictUnreachable, fmt.Sprintf("no case was judged: %d transport failure group(s)", len(s.Transport))
		case len(s.SkippedWhy) == 1 && s.SkippedWhy["budget spent"] > 0:
			return VerdictConfig, fmt.Sprintf("no case was judged: the budget (%d requests) was spent first; raise --budget", s.Requests)
		}
		return VerdictUnjudged, "no case could be judged: " + whyText(s.SkippedWhy)
	}
	if len(s.Transport) > 0 {
		return VerdictUnreachable, fmt.Sprintf("%d transport failure group(s): the target did not answer every case", len(s.Transport))
	}
	if missing := missingCodes(s, required); len(missing) > 0 {
		return VerdictBroken, "required code(s) not exercised: " + strings.Join(missing, "; ")
	}
	if flaky > 0 {
		return VerdictPass, fmt.Sprintf("every check passed; %d finding group(s) did not fail again when re-sent", flaky)
	}
	return VerdictPass, reasonPass
}

const reasonPass = "every check passed"

// requiredCodes resolves --require-codes against what this run can
// trigger. A required code that the flags themselves make untriggerable is
// the user's setup, not the target's fault: a configuration error before
// anything is sent, naming the code and why.
func requiredCodes(o *Options, cat *contracts.Catalog, sel selection, magic bool) ([]int, error) {
	planned := map[int]bool{}
	for _, f := range sel.families {
		for _, c := range f.Codes {
			planned[c] = true
		}
	}
	if o.RequireAll {
		var out []int
		for _, spec := range cat.Errors() {
			if planned[spec.Code] {
				out = append(out, spec.Code)
			}
		}
		return out, nil
	}
	var out []int
	for _, code := range o.RequireCodes {
		spec, ok := cat.Lookup(code)
		switch {
		case !ok:
			return nil, configErr("RequireCodes", ref("RequireCodes"), fmt.Sprintf(" %d: not a documented code", code))
		case planned[code]:
			out = append(out, code)
		case sel.excluded[code] != "":
			return nil, configErr("RequireCodes", ref("RequireCodes"), fmt.Sprintf(" %d: not triggerable here: %s", code, sel.excluded[code]))
		case !spec.Trigger.Triggerable() && !magic:
			return nil, configErr("RequireCodes", ref("RequireCodes"), fmt.Sprintf(" %d: an account or server condition; only a target that honours the magic numbers (", code), ref("MockMagic"), ") can be made to answer it")
		case len(o.Only) > 0 && !slices.Contains(o.Only, code), slices.Contains(o.Skip, code):
			return nil, configErr("RequireCodes", ref("RequireCodes"), fmt.Sprintf(" %d: left out by ", code), ref("Only"), "/", ref("Skip"))
		default:
			return nil, configErr("RequireCodes", ref("RequireCodes"), fmt.Sprintf(" %d: no case family triggers it", code))
		}
	}
	return out, nil
}

// missingCodes names each required code that no case exercised, with why.
func missingCodes(s *Summary, required []int) []string {
	var out []string
	for _, code := range required {
		for _, c := range s.Coverage {
			if c.Code == code && c.Exercised == 0 {
				out = append(out, fmt.Sprintf("%d (%s)", code, c.Why))
			}
		}
	}
	return out
}

// whyText lists skip reasons, largest first.
func whyText(why map[string]int) string {
	keys := make([]string, 0, len(why))
	for k := range why {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if why[keys[i]] != why[keys[j]] {
			return why[keys[i]] > why[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", why[k], k)
	}
	if len(parts) == 0 {
		return "nothing was sent"
	}
	return strings.Join(parts, ", ")
}
