package runner

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/conformance"
)

// Cause is many cases that fail the same way: the same checks violated
// with the same observed answers (an HTML 503 page for every error, say),
// whatever code or family they were for. Reports list causes first, so a
// broken target's one root cause reads as one finding, and the groups by
// code, check and family after it.
type Cause struct {
	// Symptoms are the violated checks with what the target answered,
	// "check = observed", sorted: the checks of the answer's form (body,
	// Content-Type, errorCode, status string, message) when any of those
	// failed, since a malformed answer is one cause whatever each case
	// expected; else the checks that compare the answer with the case
	// (HTTP status, accepted or rejected).
	Symptoms []string `json:"symptoms"`
	// Also counts the other violations these cases showed, by symptom.
	Also map[string]int `json:"also,omitempty"`
	// Cases counts the cases that failed exactly this way; Codes and
	// Classes are the documented codes and defect classes they were for.
	Cases   int      `json:"cases"`
	Codes   []int    `json:"codes"`
	Classes []string `json:"classes"`
	// Groups counts the finding groups of these cases; Open those not
	// accepted by a baseline nor disproved by a re-send.
	Groups int `json:"groups"`
	Open   int `json:"open"`
	// Message and Example are the first case's, for a reproduction.
	Message string  `json:"message"`
	Example Example `json:"example"`
}

// Key identifies the cause within a run.
func (c Cause) Key() string { return strings.Join(c.Symptoms, "; ") }

// formChecks judge the answer on its own, whatever the case expected.
var formChecks = []string{conformance.CheckBodySchema, conformance.CheckContentType, conformance.CheckErrorCode,
	conformance.CheckStatusString, conformance.CheckMessagePresent}

// symptoms splits a case's violations into the cause's key symptoms and
// the others (see Cause.Symptoms).
func symptoms(fs []conformance.Finding) (key, other []string) {
	var form, rest []string
	for _, f := range fs {
		if f.Severity != conformance.SeverityViolation {
			continue
		}
		s := f.Check
		if v := observedValue(f); v != "" {
			s += " = " + v
		}
		if slices.Contains(formChecks, f.Check) {
			form = append(form, s)
		} else {
			rest = append(rest, s)
		}
	}
	sort.Strings(form)
	sort.Strings(rest)
	form, rest = slices.Compact(form), slices.Compact(rest)
	if len(form) == 0 {
		return rest, nil
	}
	return form, rest
}

// addCause counts one failing case under its cause and returns the key.
func (c *collector) addCause(r result, sym, also []string, msg string) string {
	key := strings.Join(sym, "; ")
	k, ok := c.causes[key]
	if !ok {
		k = &Cause{Symptoms: sym, Message: msg, Example: c.example(r)}
		c.causes[key] = k
		c.corder = append(c.corder, key)
	}
	k.Cases++
	for _, a := range also {
		if k.Also == nil {
			k.Also = map[string]int{}
		}
		k.Also[a]++
	}
	for _, code := range r.c.Expect.Codes {
		if !slices.Contains(k.Codes, code) {
			k.Codes = append(k.Codes, code)
		}
	}
	if cl := familyClass(r.c.Family); !slices.Contains(k.Classes, cl) {
		k.Classes = append(k.Classes, cl)
	}
	return key
}

// summaryCauses returns the causes, most cases first.
func (c *collector) summaryCauses() []Cause {
	out := make([]Cause, 0, len(c.corder))
	for _, key := range c.corder {
		k := *c.causes[key]
		slices.Sort(k.Codes)
		slices.Sort(k.Classes)
		out = append(out, k)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Cases > out[j].Cases })
	return out
}

// tallyCauses counts each cause's groups and open groups, after a
// baseline and the re-sends have had their say.
func tallyCauses(s *Summary) {
	for i := range s.Causes {
		k := &s.Causes[i]
		k.Groups, k.Open = 0, 0
		for _, g := range s.Groups {
			if g.Cause != k.Key() {
				continue
			}
			k.Groups++
			if !g.Accepted && !g.Flaky {
				k.Open++
			}
		}
	}
}

// defaultMaxFindings bounds the finding groups the text report details.
const defaultMaxFindings = 20

// causeLine says what a cause is in one line: how many cases over how many
// codes, and what they all showed.
func causeLine(c Cause) string {
	codes := make([]string, len(c.Codes))
	for i, code := range c.Codes {
		codes[i] = strconv.Itoa(code)
	}
	line := fmt.Sprintf("%d case(s) across %d code(s) (%s) answered the same way: %s", c.Cases, len(c.Codes), strings.Join(codes, ", "), strings.Join(c.Symptoms, "; "))
	if len(c.Also) > 0 {
		keys := make([]string, 0, len(c.Also))
		for k := range c.Also {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = fmt.Sprintf("%s (%d)", k, c.Also[k])
		}
		line += "; with " + strings.Join(keys, ", ")
	}
	return fmt.Sprintf("%s [%d finding group(s)]", line, c.Groups)
}

// openCauses are the causes with an open group, in order.
func openCauses(cs []Cause) []Cause {
	var out []Cause
	for _, c := range cs {
		if c.Open > 0 {
			out = append(out, c)
		}
	}
	return out
}
