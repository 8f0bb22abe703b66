package kit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vcheck/vcheck/proxy"
)

// WriteGherkin writes the kit as Cucumber features, one per group, for
// suites that run scenarios through their own step definitions (a step can
// create the proxy session with the scenario id).
func (k *Kit) WriteGherkin(w io.Writer) error {
	var b strings.Builder
	for _, g := range Groups() {
		first := true
		for _, s := range k.Scenarios {
			if s.Group != g {
				continue
			}
			if first {
				fmt.Fprintf(&b, "Feature: SDK error handling: %s\n\n", g)
				first = false
			}
			fmt.Fprintf(&b, "  @%s @%s\n  Scenario: %s\n", s.Level, s.ID, s.ID)
			fmt.Fprintf(&b, "    # %s\n", s.Why)
			if len(s.Rules) == 0 {
				b.WriteString("    Given a vcheck proxy session with no rules (the reference mock answers)\n")
			} else {
				fmt.Fprintf(&b, "    Given a vcheck proxy session for scenario %q\n", s.ID)
				for _, r := range s.Rules {
					fmt.Fprintf(&b, "    # rule: %s\n", r)
				}
			}
			in, _ := json.Marshal(s.Input)
			fmt.Fprintf(&b, "    When the SDK calls %s with %s\n", s.Operation, in)
			fmt.Fprintf(&b, "    Then the result is %s\n", join(s.Expect.Result, " or "))
			if s.Expect.Status != 0 {
				fmt.Fprintf(&b, "    And the error's HTTP status is %d\n", s.Expect.Status)
			}
			if s.Expect.ErrorCode != 0 {
				fmt.Fprintf(&b, "    And the error's errorCode is %d\n", s.Expect.ErrorCode)
			}
			for _, f := range s.Expect.Fields {
				fmt.Fprintf(&b, "    And the error surfaces %s\n", f)
			}
			if e := s.Expect; e.Attempts != nil || e.GapMS != nil || e.ExecutedStarts != nil || e.HangUpMS != nil || e.Resigned || e.NoCrossHostAuth {
				fmt.Fprintf(&b, "    And the proxy's record shows %s\n", expectText(e))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Vector is an offline parsing vector: an answer as the proxy sends it
// and what an SDK's error parsing should make of it.
type Vector struct {
	ID          string            `json:"id"`
	Status      int               `json:"status"`
	Headers     map[string]string `json:"headers,omitempty"`
	Body        string            `json:"body"`
	Result      []Outcome         `json:"result"`
	WantStatus  int               `json:"want_status,omitempty"`
	WantCode    int               `json:"want_error_code,omitempty"`
	WantsFields []string          `json:"want_fields,omitempty"`
}

// Vectors returns the scenarios whose answer is a whole synthesized body
// (sinch, status, body actions) as offline parsing vectors.
func (k *Kit) Vectors() []Vector {
	var out []Vector
	for _, s := range k.Scenarios {
		if len(s.rules) != 1 {
			continue
		}
		st, hdr, body, ok := proxy.Synthesize(s.rules[0])
		if !ok || len(body) > 1<<20 {
			continue
		}
		out = append(out, Vector{ID: s.ID, Status: st, Headers: hdr, Body: string(body), Result: s.Expect.Result,
			WantStatus: s.Expect.Status, WantCode: s.Expect.ErrorCode, WantsFields: s.Expect.Fields})
	}
	return out
}

// WriteVectors writes Vectors as indented JSON.
func (k *Kit) WriteVectors(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(k.Vectors())
}
