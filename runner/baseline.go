package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vcheck/vcheck/conformance"
)

// Baseline is a stored set of known, accepted deviations. A run compared
// with it fails only on findings the baseline does not list.
type Baseline struct {
	Format  int             `json:"format"`
	Created time.Time       `json:"created"`
	Target  string          `json:"target"`
	Entries []BaselineEntry `json:"entries"`
}

// BaselineEntry accepts one deviation, with the reason a person gave, e.g.
// "erratum 1: the sandbox answers 40002". It names what a person accepts,
// not what a seed happened to draw, so one entry accepts the deviation at
// every seed. Its key (see Key) is
//
//	CODE/CHECK/CLASS[/OBSERVED]
//
// where
//
//   - Code is the documented code the failing cases expect (0 for the
//     control cases, which expect a success);
//   - Check is the check that failed, e.g. "error-code";
//   - Class is the defect class: the case family without its drawn variant
//     ("40100" for "40100/scheme-typo", "control" for "control/start");
//   - Observed is what the target answered, for the checks that look at
//     one answered value (see observedValue): the errorCode for
//     error-code ("40002", "none"), the HTTP status for http-status,
//     malformed-rejected, well-formed-accepted and
//     no-server-error-for-client-fault ("500 (errorCode 50000)"), the
//     quoted status for status-string, the quoted Content-Type (or
//     "absent") for content-type, the message's shape for
//     message-present, and the failing part of the body for body-schema
//     ("errorCode", "body"). reference-format records none: its answered
//     value is a reference the target makes up per answer.
//
// So accepting "the sandbox answers 40002 for a missing plus" does not
// accept "the sandbox answers 500 for it". AnyObserved accepts every
// answered value of the check instead; entries read from a format 1 file
// have it (that format recorded no answered value, so each entry accepted
// whatever its group showed, and keeps accepting exactly that).
type BaselineEntry struct {
	Code        int    `json:"code"`
	Check       string `json:"check"`
	Class       string `json:"class"`
	Observed    string `json:"observed,omitempty"`
	AnyObserved bool   `json:"any_observed,omitempty"`
	Reason      string `json:"reason"`
	// Message is the text of a finding the entry accepted, for people.
	Message string `json:"message,omitempty"`
}

// Key identifies the deviation the entry accepts; "*" stands for
// AnyObserved.
func (e BaselineEntry) Key() string {
	if e.AnyObserved {
		return deviationKey(e.Code, e.Check, e.Class, "*")
	}
	return deviationKey(e.Code, e.Check, e.Class, e.Observed)
}

// accepts reports whether the entry accepts group g.
func (e BaselineEntry) accepts(g Group) bool {
	return e.Code == g.Code && e.Check == g.Check && e.Class == g.Class() &&
		(e.AnyObserved || e.Observed == g.Observed)
}

// match returns the index of the entry of es that accepts g, preferring
// one that names g's observed value over an any-observed one, or -1.
func match(es []BaselineEntry, g Group) int {
	if i := slices.IndexFunc(es, func(e BaselineEntry) bool { return !e.AnyObserved && e.accepts(g) }); i >= 0 {
		return i
	}
	return slices.IndexFunc(es, func(e BaselineEntry) bool { return e.accepts(g) })
}

// Class is the group's defect class: its family without the drawn variant.
func (g Group) Class() string { return familyClass(g.Family) }

func familyClass(family string) string {
	class, _, _ := strings.Cut(family, "/")
	return class
}

func deviationKey(code int, check, class, observed string) string {
	k := strconv.Itoa(code) + "/" + check + "/" + class
	if observed != "" {
		k += "/" + observed
	}
	return k
}

// observedValue is the answered value a finding's group and baseline
// entry are keyed by (see BaselineEntry): Got for the checks whose Got is
// one value the target answered, the failing part of the body for
// body-schema (its Got is the validator's prose), and nothing for
// reference-format (its Got is a reference made up per answer).
func observedValue(f conformance.Finding) string {
	switch f.Check {
	case conformance.CheckBodySchema:
		return f.Operation
	case conformance.CheckReferenceFormat:
		return ""
	}
	return f.Got
}

// checkObserves reports whether the check's groups carry an observed value.
func checkObserves(check string) bool { return check != conformance.CheckReferenceFormat }

// baselineFormat is the format written; format 1 (keyed by the drawn
// variant, no observed value) is still read.
const baselineFormat = 2

// LoadBaseline reads a baseline file, format 2 or 1. Every entry needs a
// code (0 only for class control), a known check, a class, an observed
// value where its check records one, and a reason; no two entries may
// accept the same deviation. The error names the first entry that fails,
// by index and key.
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	b, err := parseBaseline(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// baselineV1Entry is an entry of format 1: keyed by the drawn variant.
type baselineV1Entry struct {
	Code    int    `json:"code"`
	Check   string `json:"check"`
	Family  string `json:"family"`
	Reason  string `json:"reason"`
	Message string `json:"message,omitempty"`
}

func parseBaseline(data []byte) (*Baseline, error) {
	var head struct {
		Format int `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not a vcheck baseline: %w", err)
	}
	var b Baseline
	switch head.Format {
	case baselineFormat:
		if err := decodeStrict(data, &b); err != nil {
			return nil, err
		}
		if err := validateEntries(b.Entries); err != nil {
			return nil, err
		}
		return &b, nil
	case 1:
		var v1 struct {
			Format  int               `json:"format"`
			Created time.Time         `json:"created"`
			Target  string            `json:"target"`
			Entries []baselineV1Entry `json:"entries"`
		}
		if err := decodeStrict(data, &v1); err != nil {
			return nil, err
		}
		b = Baseline{Format: 1, Created: v1.Created, Target: v1.Target}
		for i, e := range v1.Entries {
			switch {
			case e.Check == "" || e.Family == "":
				return nil, fmt.Errorf("entries[%d]: code, check and family are required", i)
			case strings.TrimSpace(e.Reason) == "":
				return nil, fmt.Errorf("entries[%d] (%s): every accepted deviation needs a reason", i, groupKey(e.Code, e.Check, e.Family))
			}
			b.Entries = append(b.Entries, BaselineEntry{Code: e.Code, Check: e.Check, Class: familyClass(e.Family),
				AnyObserved: checkObserves(e.Check), Reason: e.Reason, Message: e.Message})
		}
		// Variants of one class become one entry; no reason is lost.
		b.Entries = mergeEntries(b.Entries)
		if err := validateEntries(b.Entries); err != nil {
			return nil, err
		}
		return &b, nil
	}
	return nil, fmt.Errorf("format %d, want %d (or 1, still read)", head.Format, baselineFormat)
}

// decodeStrict decodes a baseline and refuses unknown fields: a misspelt
// "observed" or "reason" in a hand-edited file would otherwise silently
// change what the entry accepts.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not a vcheck baseline: %w", err)
	}
	return nil
}

// mergeEntries folds entries with one key into the first, joining their
// distinct reasons.
func mergeEntries(es []BaselineEntry) []BaselineEntry {
	var out []BaselineEntry
	at := map[string]int{}
	for _, e := range es {
		i, ok := at[e.Key()]
		if !ok {
			at[e.Key()] = len(out)
			out = append(out, e)
			continue
		}
		if !slices.Contains(strings.Split(out[i].Reason, "; "), e.Reason) {
			out[i].Reason += "; " + e.Reason
		}
	}
	return out
}

func validateEntries(es []BaselineEntry) error {
	checks := knownChecks()
	seen := map[string]int{}
	for i, e := range es {
		key := e.Key()
		switch {
		case e.Check == "" || e.Class == "":
			return fmt.Errorf("entries[%d] (%s): check and class are required", i, key)
		case !slices.Contains(checks, e.Check):
			return fmt.Errorf("entries[%d] (%s): unknown check %q (checks: %s)", i, key, e.Check, strings.Join(checks, ", "))
		case strings.Contains(e.Class, "/"):
			return fmt.Errorf("entries[%d] (%s): class %q names a drawn variant; the class is the part before the slash (%q)", i, key, e.Class, familyClass(e.Class))
		case e.Code == 0 && e.Class != "control":
			return fmt.Errorf("entries[%d] (%s): code is required (0 only for class control)", i, key)
		case e.AnyObserved && e.Observed != "":
			return fmt.Errorf("entries[%d] (%s): observed and any_observed exclude each other", i, key)
		case checkObserves(e.Check) && e.Observed == "" && !e.AnyObserved:
			return fmt.Errorf("entries[%d] (%s): check %s records what the target answered: set observed to the answer accepted, or any_observed to accept every answer", i, key, e.Check)
		case !checkObserves(e.Check) && e.Observed != "":
			return fmt.Errorf("entries[%d] (%s): check %s records no observed value: drop observed", i, key, e.Check)
		case strings.TrimSpace(e.Reason) == "":
			return fmt.Errorf("entries[%d] (%s): every accepted deviation needs a reason", i, key)
		}
		if j, dup := seen[key]; dup {
			return fmt.Errorf("entries[%d] (%s): accepts the same deviation as entries[%d]", i, key, j)
		}
		seen[key] = i
	}
	return nil
}

func knownChecks() []string {
	var names []string
	for _, c := range (conformance.Oracle{}).Checks() {
		names = append(names, c.Name)
	}
	return names
}

// Apply marks the summary's groups that the baseline accepts and returns
// the entries that accepted none of them.
func (b *Baseline) Apply(s *Summary) (gone []BaselineEntry) {
	used := make([]bool, len(b.Entries))
	for i := range s.Groups {
		g := &s.Groups[i]
		if j := match(b.Entries, *g); j >= 0 {
			g.Accepted, g.Reason = true, b.Entries[j].Reason
			used[j] = true
		}
	}
	for j, e := range b.Entries {
		if !used[j] {
			gone = append(gone, e)
		}
	}
	return gone
}

// Exercised reports whether run s could have shown the deviation e
// accepts: it judged cases that expect e's code with e's check, and it was
// not one shard of a run. Only then does an absent deviation say it is
// gone; a run narrowed by --only, --skip or --shard says nothing about the
// deviations it left out.
func (e BaselineEntry) Exercised(s *Summary) bool {
	if s.Shard != "" {
		return false
	}
	return slices.ContainsFunc(s.Checks, func(t CheckTally) bool {
		return t.Code == e.Code && t.Check == e.Check && t.Passed+t.Failed > 0
	})
}
