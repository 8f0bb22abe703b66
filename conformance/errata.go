package conformance

import (
	"fmt"
	"slices"
)

// Policy is how the oracle treats the documentation's errata (facts.md,
// fixtures/catalog.json "errata"). Every policy expects what the headings
// say; they differ in what else they let through.
type Policy int

// The errata policies.
const (
	// PolicyDefault follows each erratum's policy text in the catalog: the
	// published example's variant is accepted and recorded as a note that
	// says which way the target went.
	PolicyDefault Policy = iota
	// PolicyStrict accepts only what the headings say; every erratum
	// variant, a missing status field and a string errorCode are violations.
	PolicyStrict
	// PolicyLenient is PolicyDefault that also accepts an erratum's
	// alternative code with that code's own catalog status (40002 with
	// "400 MissingParameter" for a missing plus), still with a note.
	PolicyLenient
)

// String is the policy's name as the command line spells it.
func (p Policy) String() string {
	switch p {
	case PolicyStrict:
		return "strict"
	case PolicyLenient:
		return "lenient"
	}
	return "default"
}

// ParsePolicy reads "default", "strict" or "lenient" ("" is default).
func ParsePolicy(s string) (Policy, error) {
	switch s {
	case "", "default":
		return PolicyDefault, nil
	case "strict":
		return PolicyStrict, nil
	case "lenient":
		return PolicyLenient, nil
	}
	return 0, fmt.Errorf("errata policy %q: want default, strict or lenient", s)
}

// alternative is an answer an erratum lets through instead of the heading's,
// under PolicyDefault and PolicyLenient.
type alternative struct {
	erratum int
	// expected is the heading's code the erratum concerns.
	expected int
	// code is the code accepted instead; 0 means the expected code itself
	// (only the status string differs).
	code int
	// statuses are the status strings accepted with it by default: the
	// published example's pairing.
	statuses []string
	// lenient are further status strings PolicyLenient accepts.
	lenient []string
	// side says which way the target went, for the note.
	side string
}

// alternatives implement the catalog's errata policies that bear on judging
// an answer. Errata 4 (420 is never accepted), 5 (errorCode as a string)
// and 10's missing status field are handled by the checks themselves;
// 6, 8, 9, 11 and 13 do not bear on judging (see TestErrataCovered).
var alternatives = []alternative{
	{erratum: 1, expected: 40005, code: 40002,
		statuses: []string{"400 NumberMissingLeadingPlus"}, lenient: []string{"400 MissingParameter"},
		side: "the target sides with the published example (errorCode 40002) against the 40005 heading"},
	{erratum: 2, expected: 40303,
		statuses: []string{"401 RestrictedAction"},
		side:     "the target sides with the published example (status \"401 RestrictedAction\") against the 403 section"},
	{erratum: 3, expected: 50300, code: 50500,
		statuses: []string{"503 TemporaryDown"},
		side:     "the target sides with the published example (errorCode 50500) against the 50300 heading"},
	{erratum: 7, expected: 40104, code: 40100,
		statuses: []string{"401 AuthorizationHeader"},
		side:     "the target answers 40100 (\"authorization header is missing\") where 40104 (\"missing authentication\") is expected for a request without Authorization"},
	{erratum: 10, expected: 40003, code: 40001,
		statuses: []string{"400 ParameterValidation"},
		side:     "the target sides with the newest errors page (40001 for an invalid number) against this page's 40003"},
	{erratum: 12, expected: 40101,
		statuses: []string{"401 TimestampHeader"},
		side:     "the target sides with the SDKs and old pages (type TimestampHeader) against this page's example (AuthorizationHeader)"},
}

// codeAlternative returns the erratum that lets got through for a case that
// expects codes, if any.
func codeAlternative(codes []int, got int) (alternative, bool) {
	for _, a := range alternatives {
		if a.code != 0 && a.code == got && slices.Contains(codes, a.expected) {
			return a, true
		}
	}
	return alternative{}, false
}

// statusAlternative returns the erratum that lets the status string through
// for an answer with code got in a case that expects codes, if any.
func statusAlternative(codes []int, got int, status string, p Policy) (alternative, bool) {
	for _, a := range alternatives {
		if !slices.Contains(codes, a.expected) {
			continue
		}
		code := a.code
		if code == 0 {
			code = a.expected
		}
		if code != got {
			continue
		}
		if slices.Contains(a.statuses, status) || (p == PolicyLenient && slices.Contains(a.lenient, status)) {
			return a, true
		}
	}
	return alternative{}, false
}

// Acceptable returns the error codes an answer may carry for e under p:
// the headings' codes plus, unless p is strict, the errata's alternatives.
func (e Expectation) Acceptable(p Policy) []int {
	out := slices.Clone(e.Codes)
	if p == PolicyStrict {
		return out
	}
	for _, a := range alternatives {
		if a.code != 0 && slices.Contains(e.Codes, a.expected) && !slices.Contains(out, a.code) {
			out = append(out, a.code)
		}
	}
	return out
}
