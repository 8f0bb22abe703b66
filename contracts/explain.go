package contracts

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
)

// Explanation says which documented error an answer is and how it departs
// from the documentation.
type Explanation struct {
	// Spec is the documented error the answer most likely is; valid when Found.
	Spec  Spec `json:"spec"`
	Found bool `json:"found"`
	// MatchedBy lists what identified Spec: "errorCode", "status", "message".
	MatchedBy []string `json:"matched_by,omitempty"`
	// Conflicts lists other documented codes that a part of the answer
	// points to (e.g. the status type of 40005 with the errorCode 40002).
	Conflicts []int `json:"conflicts,omitempty"`
	// Example is the code whose published example the body equals, or 0.
	Example int `json:"example,omitempty"`
	// Errata lists the errata of the catalog that concern Spec or Example
	// and that the answer runs into.
	Errata []Erratum `json:"errata,omitempty"`
	// Problems is Catalog.Validate of the answer.
	Problems []Problem `json:"problems,omitempty"`
	// Exact is true when the answer has no problems at all.
	Exact bool `json:"exact"`
	// Retryable is APIError.Retryable.
	Retryable bool `json:"retryable"`
}

// Explain identifies a parsed answer in the catalog. It looks at errorCode,
// the status string's type and the message, and at whether the body is one
// of the published examples verbatim (errata included), so that the 40005
// example, which sends errorCode 40002, is recognised as 40005's.
func (c *Catalog) Explain(e *APIError) Explanation {
	x := Explanation{Problems: c.Validate(e), Retryable: e.Retryable()}
	votes := map[int][]string{}
	if _, ok := c.entry(e.Code); ok {
		votes[e.Code] = append(votes[e.Code], "errorCode")
	}
	for _, s := range c.data.Errors {
		if e.Type != "" && s.Type == e.Type && (e.StatusCode == 0 || e.StatusCode == s.HTTPStatus || e.HTTP() == s.HTTPStatus) {
			votes[s.Code] = append(votes[s.Code], "status")
		}
		if e.Message != "" && s.Documents(e.Message) {
			votes[s.Code] = append(votes[s.Code], "message")
		}
		if len(e.Raw) > 0 && jsonEqual(e.Raw, s.Example) {
			x.Example = s.Code
		}
	}
	best := 0
	if x.Example != 0 {
		best = x.Example
	} else {
		for _, code := range c.Codes() {
			if len(votes[code]) > len(votes[best]) {
				best = code
			}
		}
	}
	if best != 0 {
		x.Spec, x.Found, x.MatchedBy = c.mustLookup(best), true, votes[best]
		for _, code := range c.Codes() {
			if code != best && len(votes[code]) > 0 {
				x.Conflicts = append(x.Conflicts, code)
			}
		}
	}
	for _, er := range c.data.Errata {
		if x.Found && slices.Contains(er.Codes, x.Spec.Code) && (x.Example != 0 || len(x.Problems) > 0) {
			x.Errata = append(x.Errata, er.clone())
		}
		if er.Check == CheckFieldType && e.Has(ProblemCodeAsString) {
			x.Errata = append(x.Errata, er.clone())
		}
	}
	x.Exact = len(x.Problems) == 0
	return x
}

func (c *Catalog) mustLookup(code int) Spec {
	s, _ := c.Lookup(code)
	return s
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(a, b []byte) bool {
	if bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b)) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
