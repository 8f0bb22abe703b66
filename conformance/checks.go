package conformance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vcheck/vcheck/contracts"
)

// HTTPStatus (check http-status) compares an error answer's HTTP status with
// the documented one. For 42200 and 42201 only 422 is accepted: their
// section is headed 420 but the examples and RFC 9110 say 422 (erratum 4,
// "420 is never accepted").
func (o Oracle) HTTPStatus(c Case, r *Response) []Finding {
	if !judgesError(c, r) || r.HTTPStatus == c.Expect.HTTPStatus {
		return nil
	}
	f := newFinding(CheckHTTPStatus, SeverityViolation, c, "HTTP status", strconv.Itoa(r.HTTPStatus), strconv.Itoa(c.Expect.HTTPStatus))
	if r.HTTPStatus == 420 && c.Expect.HTTPStatus == 422 {
		f.Erratum = 4
		f.Detail = "the section is headed 420 but its examples and RFC 9110 say 422; 420 is never accepted (erratum 4)"
	}
	return []Finding{f}
}

// ErrorCode (check error-code) requires errorCode to be one of the codes
// documented for the defect. Unless the policy is strict, an erratum's
// alternative (40002 for 40005, 50500 for 50300, 40100 for 40104, 40001 for
// 40003) is accepted with a note that says which way the target went.
func (o Oracle) ErrorCode(c Case, r *Response) []Finding {
	if !judgesError(c, r) {
		return nil
	}
	got := r.Error.Code
	if slices.Contains(c.Expect.Codes, got) {
		return nil
	}
	gotS := strconv.Itoa(got)
	if got == 0 {
		gotS = "none"
		if isObject(r.Error) {
			if _, bad := problemOn(r.Error, contracts.ProblemWrongType, "errorCode"); bad {
				gotS = "not a number"
			} else if _, missing := problemOn(r.Error, contracts.ProblemMissingField, "errorCode"); missing {
				gotS = "absent"
			}
		}
	}
	if a, ok := codeAlternative(c.Expect.Codes, got); ok {
		if o.Policy == PolicyStrict {
			f := newFinding(CheckErrorCode, SeverityViolation, c, "errorCode", gotS, codeList(c.Expect.Codes))
			f.Erratum, f.Detail = a.erratum, fmt.Sprintf("%s (erratum %d); strict accepts only the heading's code", a.side, a.erratum)
			return []Finding{f}
		}
		f := newFinding(CheckErrorCode, SeverityNote, c, "errorCode", gotS, codeList(c.Expect.Codes))
		f.Erratum, f.Detail = a.erratum, fmt.Sprintf("%s (erratum %d); accepted under the %s policy", a.side, a.erratum, o.Policy)
		return []Finding{f}
	}
	return []Finding{newFinding(CheckErrorCode, SeverityViolation, c, "errorCode", gotS, codeList(c.Expect.Acceptable(o.Policy)))}
}

// StatusString (check status-string) requires status to be the catalog's
// "CODE Type" for the answer's code, so that its HTTP part and its type
// agree with the catalog. Unless strict: the published examples' pairings
// are accepted (erratum 1: 40002 with "400 NumberMissingLeadingPlus";
// erratum 3: 50500 with "503 TemporaryDown"), and so are "401
// RestrictedAction" for 40303 (erratum 2) and "401 TimestampHeader" for
// 40101 (erratum 12), with a note. An absent status is a note, a violation
// only when strict (erratum 10 and facts.md: the newest page drops it).
func (o Oracle) StatusString(c Case, r *Response) []Finding {
	if !judgesError(c, r) || !isObject(r.Error) {
		return nil
	}
	e := r.Error
	got := e.Code
	ref, ok := o.catalog().Lookup(got)
	if !ok && len(c.Expect.Codes) > 0 {
		ref, _ = o.catalog().Lookup(c.Expect.Codes[0])
	}
	want := []string{ref.Status}
	var alt *alternative
	if a, ok := codeAlternative(c.Expect.Codes, got); ok && o.Policy != PolicyStrict {
		want = slices.Clone(a.statuses)
		if o.Policy == PolicyLenient {
			want = append(want, a.lenient...)
		}
	}
	if _, missing := problemOn(e, contracts.ProblemMissingField, "status"); missing {
		f := newFinding(CheckStatusString, SeverityNote, c, "status", "absent", quoteList(want))
		f.Erratum = 10
		f.Detail = "the newest errors page drops the status field (erratum 10); a violation only under the strict policy"
		if o.Policy == PolicyStrict {
			f.Severity = SeverityViolation
		}
		return []Finding{f}
	}
	if p, bad := problemOn(e, contracts.ProblemWrongType, "status"); bad {
		return []Finding{newFinding(CheckStatusString, SeverityViolation, c, "status", p.Detail, quoteList(want))}
	}
	if slices.Contains(want, e.Status) {
		return nil
	}
	if o.Policy != PolicyStrict {
		if a, ok := statusAlternative(c.Expect.Codes, got, e.Status, o.Policy); ok && a.code == 0 {
			alt = &a
		}
	}
	if alt != nil {
		f := newFinding(CheckStatusString, SeverityNote, c, "status", strconv.Quote(e.Status), quoteList(want))
		f.Erratum, f.Detail = alt.erratum, fmt.Sprintf("%s (erratum %d); accepted under the %s policy", alt.side, alt.erratum, o.Policy)
		return []Finding{f}
	}
	f := newFinding(CheckStatusString, SeverityViolation, c, "status", strconv.Quote(e.Status), quoteList(want))
	if a, ok := statusAlternative(c.Expect.Codes, got, e.Status, PolicyLenient); ok && o.Policy == PolicyStrict {
		f.Erratum, f.Detail = a.erratum, fmt.Sprintf("%s (erratum %d); strict accepts only the heading's status", a.side, a.erratum)
	} else if ok && o.Policy == PolicyDefault {
		f.Erratum, f.Detail = a.erratum, fmt.Sprintf("the published example pairs errorCode %d with %s (erratum %d); the lenient policy accepts this", got, quoteList(a.statuses), a.erratum)
	}
	return []Finding{f}
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "one of [" + strings.Join(q, " ") + "]"
}

// BodySchema (check body-schema) validates an error body against the
// OpenAPI document's Error schema (openapi.Document.ValidateErrorBody).
// Failures on status, message and reference are left to status-string,
// message-present and reference-format. A numeric string errorCode fails
// the schema but the docs' field table says string: it is a note, a
// violation only when strict (erratum 5).
func (o Oracle) BodySchema(c Case, r *Response) []Finding {
	if !judgesError(c, r) {
		return nil
	}
	const want = "a JSON object with errorCode (integer) and message (string) as the Error schema says"
	var out []Finding
	codeAsString := r.Error.Has(contracts.ProblemCodeAsString)
	for _, p := range o.openAPI().ValidateErrorBody(r.Body) {
		field, _, _ := strings.Cut(p.Field, ".")
		switch {
		case field == "status" || field == "message" || field == "reference":
			continue
		case field == "errorCode" && codeAsString:
			continue // reported once below, under the erratum 5 policy
		}
		op := "body"
		if p.Field != "" {
			op = p.Field
		}
		out = append(out, newFinding(CheckBodySchema, SeverityViolation, c, op, p.Detail, want))
	}
	for _, p := range r.Error.Problems {
		switch p.Kind {
		case contracts.ProblemCodeAsString:
			f := newFinding(CheckBodySchema, SeverityNote, c, "errorCode", p.Detail, "a JSON number")
			f.Erratum = 5
			f.Detail = "the field table says string, every example sends a number (erratum 5); a violation only under the strict policy"
			if o.Policy == PolicyStrict {
				f.Severity = SeverityViolation
			}
			out = append(out, f)
		case contracts.ProblemTruncated, contracts.ProblemInvalidUTF8:
			op := "body"
			if p.Field != "" {
				op = p.Field
			}
			out = append(out, newFinding(CheckBodySchema, SeverityViolation, c, op, p.Detail, want))
		}
	}
	return out
}

// ContentType (check content-type) requires an error answer to be sent as
// application/json (parameters such as charset allowed).
func (o Oracle) ContentType(c Case, r *Response) []Finding {
	if !judgesError(c, r) {
		return nil
	}
	if _, bad := problemOn(r.Error, contracts.ProblemContentType, "Content-Type"); !bad {
		return nil
	}
	got := "absent"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		got = strconv.Quote(ct)
	}
	return []Finding{newFinding(CheckContentType, SeverityViolation, c, "Content-Type", got, "application/json")}
}

// MessagePresent (check message-present) requires an error body to carry a
// non-empty message string. Which words it uses is not judged: 40002 names
// the missing parameter.
func (o Oracle) MessagePresent(c Case, r *Response) []Finding {
	if !judgesError(c, r) || !isObject(r.Error) {
		return nil
	}
	const want = "a non-empty string"
	e := r.Error
	if _, missing := problemOn(e, contracts.ProblemMissingField, "message"); missing {
		return []Finding{newFinding(CheckMessagePresent, SeverityViolation, c, "message", "absent", want)}
	}
	if p, bad := problemOn(e, contracts.ProblemWrongType, "message"); bad {
		return []Finding{newFinding(CheckMessagePresent, SeverityViolation, c, "message", p.Detail, want)}
	}
	if strings.TrimSpace(e.Message) == "" {
		return []Finding{newFinding(CheckMessagePresent, SeverityViolation, c, "message", strconv.Quote(e.Message), want)}
	}
	return nil
}

// ReferenceFormat (check reference-format) requires the optional support
// reference, when present, to be a non-empty string without control
// characters.
func (o Oracle) ReferenceFormat(c Case, r *Response) []Finding {
	if !judgesError(c, r) || !isObject(r.Error) {
		return nil
	}
	const want = "absent, or a non-empty string without control characters"
	e := r.Error
	if p, bad := problemOn(e, contracts.ProblemWrongType, "reference"); bad {
		return []Finding{newFinding(CheckReferenceFormat, SeverityViolation, c, "reference", p.Detail, want)}
	}
	if _, blank := problemOn(e, contracts.ProblemBadReference, "reference"); blank || strings.ContainsFunc(e.Reference, unicode.IsControl) {
		return []Finding{newFinding(CheckReferenceFormat, SeverityViolation, c, "reference", strconv.Quote(e.Reference), want)}
	}
	return nil
}

// NoServerError (check no-server-error-for-client-fault) forbids a 5xx
// answer to a request whose documented defect is the client's.
func (o Oracle) NoServerError(c Case, r *Response) []Finding {
	if c.Expect.Success || r.HTTPStatus < 500 || !c.Expect.clientFault() {
		return nil
	}
	got := strconv.Itoa(r.HTTPStatus)
	if r.Error != nil && r.Error.Code != 0 {
		got += fmt.Sprintf(" (errorCode %d)", r.Error.Code)
	}
	return []Finding{newFinding(CheckNoServerError, SeverityViolation, c, "HTTP status", got, fmt.Sprintf("a 4xx (%s) for a client-side defect", wantOf(c)))}
}

// MalformedRejected (check malformed-rejected) forbids a success (1xx to
// 3xx) for a request with a documented defect: a target that accepts it
// would, against a real account, start a verification it must not.
func (o Oracle) MalformedRejected(c Case, r *Response) []Finding {
	if c.Expect.Success || r.isError() {
		return nil
	}
	return []Finding{newFinding(CheckMalformedRejected, SeverityViolation, c, "HTTP status", strconv.Itoa(r.HTTPStatus), wantOf(c))}
}

// WellFormedAccepted (check well-formed-accepted) requires a 2xx for a
// control case, so that a target that rejects everything is caught.
func (o Oracle) WellFormedAccepted(c Case, r *Response) []Finding {
	if !c.Expect.Success || (r.HTTPStatus >= 200 && r.HTTPStatus < 300) {
		return nil
	}
	got := strconv.Itoa(r.HTTPStatus)
	if r.Error != nil && r.Error.Code != 0 {
		got += fmt.Sprintf(" (errorCode %d)", r.Error.Code)
	}
	return []Finding{newFinding(CheckWellFormedAccepted, SeverityViolation, c, "HTTP status", got, "2xx")}
}
