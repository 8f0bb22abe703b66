package kit

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vcheck/vcheck/proxy"
)

// FaultKind is a way an adapter can break the line protocol.
type FaultKind string

// The ways an adapter can break the protocol on a scenario (Fault.Kind).
const (
	FaultTimeout FaultKind = "timeout"  // no observation line within the scenario timeout
	FaultBadLine FaultKind = "bad-line" // a line that is not an observation of this scenario
	FaultCrash   FaultKind = "crash"    // the adapter exited or closed its stdin or stdout
)

// Fault is how an adapter broke the line protocol on one scenario. The
// scenario has no verdict (cell !), and the kit killed the adapter and
// started a fresh one for the next scenario.
type Fault struct {
	Kind FaultKind `json:"kind"`
	// Detail says what happened, in words.
	Detail string `json:"detail"`
	// Line is what the adapter printed instead of an observation,
	// scrubbed of the secret and cut to maxQuoted bytes.
	Line string `json:"line,omitempty"`
}

func (f *Fault) reason() string {
	s := "adapter " + string(f.Kind) + ": " + f.Detail
	if f.Line != "" {
		s += fmt.Sprintf(": %q", f.Line)
	}
	return s
}

// maxQuoted bounds what a report quotes of an adapter's line.
const maxQuoted = 200

// quote scrubs s, then cuts it to maxQuoted bytes on a rune boundary;
// scrubbing first, so no cut can split a secret past the scrubber.
func quote(scrub *proxy.Scrubber, s string) string {
	if scrub != nil {
		s = scrub.String(s)
	}
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// adapterResults are the results an observation may carry.
var adapterResults = append(slices.Clone(results), OutcomeStuck, OutcomeUnsupported)

// jsonFields returns the JSON names of a struct type's fields, in order.
func jsonFields(v any) []string {
	t := reflect.TypeOf(v)
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "-" && name != "" {
			out = append(out, name)
		}
	}
	return out
}

// observationFields are the fields parseObservation reads; anything else
// is noted on the result and ignored.
var observationFields = jsonFields(Observation{})

// parseObservation reads the adapter's line for scenario id. A line that
// is no JSON object, has a field of the wrong type, another id or no
// known result is a bad line; unknown fields are returned as notes.
func parseObservation(line, id string, scrub *proxy.Scrubber) (*Observation, []string, *Fault) {
	bad := func(format string, args ...any) (*Observation, []string, *Fault) {
		return nil, nil, &Fault{Kind: FaultBadLine, Detail: fmt.Sprintf(format, args...), Line: quote(scrub, line)}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &fields); err != nil || fields == nil {
		return bad("not a JSON object")
	}
	var obs Observation
	if err := json.Unmarshal([]byte(line), &obs); err != nil {
		return bad("%s", typeError(err))
	}
	switch {
	case obs.ID != id:
		return bad("id %q, want %q (one observation per scenario, in order)", quote(scrub, obs.ID), id)
	case !slices.Contains(adapterResults, obs.Result):
		return bad("result %q, want one of %s", quote(scrub, string(obs.Result)), join(adapterResults, ", "))
	}
	var notes []string
	for name := range fields {
		if !slices.Contains(observationFields, name) {
			notes = append(notes, fmt.Sprintf("unknown observation field %q ignored", quote(scrub, name)))
		}
	}
	slices.Sort(notes)
	return &obs, notes, nil
}

// typeError names the field of a JSON type error without quoting values.
func typeError(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Sprintf("field %q: a JSON %s, want %s", te.Field, te.Value, te.Type)
	}
	return "not a JSON object"
}
