package contracts

import (
	"fmt"
	"slices"
	"strings"
)

// Validate lists every way an error answer departs from the documented
// shape, judged strictly against the catalog: the parser's own problems
// (not JSON, missing fields, errorCode as a string, no JSON Content-Type,
// ...), plus an HTTP status that is not an error, a status string whose
// number disagrees with the HTTP status, an errorCode whose first three
// digits disagree with it (the documented rule), a code not in the catalog,
// and a status string or HTTP status other than the catalog's for that code. A message other than the documented
// ones is listed as ProblemMessage: 40002 names the missing parameter, so
// callers usually treat it as a note. Validate never modifies e.
//
// Validate does not decide errata: the oracle in conformance applies the
// errata policy on top of these facts.
func (c *Catalog) Validate(e *APIError) []Problem {
	out := slices.Clone(e.Problems)
	add := func(kind ProblemKind, field, format string, args ...any) {
		out = append(out, Problem{Kind: kind, Field: field, Detail: fmt.Sprintf(format, args...)})
	}
	if e.HTTPStatus != 0 && e.HTTPStatus < 400 {
		add(ProblemSuccessStatus, "", "HTTP %d is not an error status", e.HTTPStatus)
	}
	if e.Status != "" && e.StatusCode != 0 && e.HTTPStatus != 0 && e.StatusCode != e.HTTPStatus {
		add(ProblemStatusMismatch, "status", "%q says %d, the response is HTTP %d", e.Status, e.StatusCode, e.HTTPStatus)
	}
	if e.Code != 0 && e.HTTPStatus != 0 && e.Code/100 != e.HTTPStatus {
		add(ProblemCodeMismatch, "errorCode", "%d does not start with the HTTP status %d", e.Code, e.HTTPStatus)
	}
	if e.Code == 0 {
		if sentZeroCode(e) {
			add(ProblemUnknownCode, "errorCode", "0 is not one of the %d documented codes", len(c.data.Errors))
		}
		return out
	}
	spec, ok := c.entry(e.Code)
	if !ok {
		add(ProblemUnknownCode, "errorCode", "%d is not one of the %d documented codes", e.Code, len(c.data.Errors))
		return out
	}
	if e.Status != "" && e.Status != spec.Status {
		add(ProblemCatalogStatus, "status", "got %q, documented %q for %d", e.Status, spec.Status, spec.Code)
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != spec.HTTPStatus {
		add(ProblemCatalogHTTP, "", "HTTP %d, documented %d for %d", e.HTTPStatus, spec.HTTPStatus, spec.Code)
	}
	if m := strings.TrimSpace(e.Message); m != "" && !spec.Documents(m) {
		add(ProblemMessage, "message", "%q is not a documented message for %d", e.Message, spec.Code)
	}
	return out
}

// Documents reports whether message is one of the entry's documented
// messages, or the published " / "-joined form of them.
func (s Spec) Documents(message string) bool {
	return slices.Contains(s.Messages, message) || message == strings.Join(s.Messages, " / ")
}

// sentZeroCode reports whether the body sent errorCode 0, as opposed to no
// usable errorCode at all, which the parser has already recorded.
func sentZeroCode(e *APIError) bool {
	if e.Code != 0 || len(e.Raw) == 0 {
		return false
	}
	for _, p := range e.Problems {
		switch {
		case p.Kind == ProblemEmptyBody, p.Kind == ProblemNotJSON, p.Kind == ProblemNotObject:
			return false
		case p.Field == "errorCode" && (p.Kind == ProblemMissingField || p.Kind == ProblemWrongType):
			return false
		}
	}
	return true
}
