package conformance

import (
	"fmt"
	"strings"
)

// Severity says how a Finding counts.
type Severity string

// The severities of a Finding.
const (
	// SeverityViolation: the target broke the documented contract.
	SeverityViolation Severity = "violation"
	// SeverityNote: the answer is accepted under the errata policy, and
	// which way the target resolved the documentation's contradiction is
	// worth recording (the nightly run tells how the real API goes).
	SeverityNote Severity = "note"
	// SeverityInconclusive: the case tells nothing (a rate-limit answer
	// caused by the run's own pace); it neither passes nor fails.
	SeverityInconclusive Severity = "inconclusive"
)

// Finding is one way an answer departs from what the documentation owes,
// or a note about it. Its text form is
//
//	METHOD PATH: operation = got, want want (check, family: defect)
//
// as testing/fstest reports misbehaviour. Findings hold no secret.
type Finding struct {
	// Check is the name of the check that made the finding, e.g. "error-code".
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	// Family is the case's family and variant, e.g. "40005/no-plus".
	Family string `json:"family"`
	// Codes are the documented codes the case expects (none for control).
	Codes []int `json:"codes,omitempty"`
	// Operation is what was looked at: "errorCode", "HTTP status", ...
	Operation string `json:"operation"`
	Got       string `json:"got"`
	Want      string `json:"want"`
	// Erratum is the erratum that bears on the finding, or 0.
	Erratum int `json:"erratum,omitempty"`
	// Detail explains the finding further, e.g. which way the target
	// resolved an erratum.
	Detail string `json:"detail,omitempty"`
	// Method, Path (with placeholders) and Defect identify the case.
	Method string `json:"method"`
	Path   string `json:"path"`
	Defect string `json:"defect"`
	// Seed reproduces the case (see DrawOne); Shrunk marks a minimised one.
	Seed   uint64 `json:"seed,omitempty"`
	Shrunk bool   `json:"shrunk,omitempty"`
}

// String is the one-line text form.
func (f Finding) String() string {
	var b strings.Builder
	if f.Severity != SeverityViolation && f.Severity != "" {
		b.WriteString(string(f.Severity) + ": ")
	}
	fmt.Fprintf(&b, "%s %s: %s = %s, want %s", f.Method, f.Path, f.Operation, f.Got, f.Want)
	if f.Detail != "" {
		b.WriteString("; " + f.Detail)
	}
	fmt.Fprintf(&b, " (%s, %s: %s)", f.Check, f.Family, f.Defect)
	return b.String()
}

// Violations returns the findings of severity SeverityViolation.
func Violations(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Severity == SeverityViolation {
			out = append(out, f)
		}
	}
	return out
}

// newFinding starts a finding about case c.
func newFinding(check string, sev Severity, c Case, op, got, want string) Finding {
	return Finding{
		Check: check, Severity: sev, Family: c.Family, Codes: c.Expect.Codes,
		Operation: op, Got: got, Want: want,
		Method: c.Request.Method, Path: c.Request.Path, Defect: c.Defect,
		Seed: c.Seed, Shrunk: c.Shrunk,
	}
}
