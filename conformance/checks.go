package conformance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/openapi"
)

// The names of the checks, as findings carry them.
const (
	CheckHTTPStatus         = "http-status"
	CheckErrorCode          = "error-code"
	CheckStatusString       = "status-string"
	CheckBodySchema         = "body-schema"
	CheckContentType        = "content-type"
	CheckMessagePresent     = "message-present"
	CheckReferenceFormat    = "reference-format"
	CheckNoServerError      = "no-server-error-for-client-fault"
	CheckMalformedRejected  = "malformed-rejected"
	CheckWellFormedAccepted = "well-formed-accepted"
	// CheckRateLimited is not a check: it marks a case answered with a
	// documented rate-limit error it did not ask for (inconclusive).
	CheckRateLimited = "rate-limited"
)

// Oracle judges answers against the documentation: the catalog, the
// OpenAPI document's Error schema and an errata policy. The zero value uses
// the embedded catalog and document and PolicyDefault. An Oracle is safe
// for concurrent use.
type Oracle struct {
	// Catalog is the documented contract; nil means contracts.DefaultCatalog.
	Catalog *contracts.Catalog
	// OpenAPI holds the Error schema; nil means openapi.Default.
	OpenAPI *openapi.Document
	// Policy is the errata policy.
	Policy Policy
}

// Check is one named, documented check of the oracle.
type Check struct {
	Name string
	// Doc says what the check owes to which document.
	Doc string
	Run func(Case, *Response) []Finding
}

// Checks returns the oracle's checks in the order Judge runs them.
func (o Oracle) Checks() []Check {
	return []Check{
		{CheckHTTPStatus, "an error answer has the HTTP status documented for the defect (422, never 420: erratum 4)", o.HTTPStatus},
		{CheckErrorCode, "errorCode is one of the codes documented for the defect (errata 1, 3, 7, 10 per policy)", o.ErrorCode},
		{CheckStatusString, "status is the catalog's \"CODE Type\" for the code (errata 2, 12 per policy; absent is a note unless strict)", o.StatusString},
		{CheckBodySchema, "the body is JSON that matches the OpenAPI Error schema (a string errorCode is a note unless strict: erratum 5)", o.BodySchema},
		{CheckContentType, "an error answer is sent as application/json", o.ContentType},
		{CheckMessagePresent, "an error answer has a non-empty message string", o.MessagePresent},
		{CheckReferenceFormat, "reference, when present, is a non-empty string without control characters", o.ReferenceFormat},
		{CheckNoServerError, "a request with a client-side defect is never answered with a 5xx", o.NoServerError},
		{CheckMalformedRejected, "a request with a documented defect is never answered with a success (1xx-3xx)", o.MalformedRejected},
		{CheckWellFormedAccepted, "a well-formed, correctly signed request gets a 2xx", o.WellFormedAccepted},
	}
}

// Judge runs every check on the answer to c and returns all findings:
// violations, notes and, for a documented rate-limit answer the case did not
// ask for, a single inconclusive finding instead of any check. Transport
// errors are not the oracle's business: the caller has no Response then,
// and Judge of a nil Response is nil.
func (o Oracle) Judge(c Case, r *Response) []Finding {
	if r == nil {
		return nil
	}
	if f, ok := rateLimited(c, r); ok {
		return []Finding{f}
	}
	var out []Finding
	for _, chk := range o.Checks() {
		out = append(out, chk.Run(c, r)...)
	}
	return out
}

// Judge judges with the embedded catalog and OpenAPI document under p.
func Judge(c Case, r *Response, p Policy) []Finding {
	return Oracle{Policy: p}.Judge(c, r)
}

func (o Oracle) catalog() *contracts.Catalog {
	if o.Catalog != nil {
		return o.Catalog
	}
	return contracts.DefaultCatalog()
}

func (o Oracle) openAPI() *openapi.Document {
	if o.OpenAPI != nil {
		return o.OpenAPI
	}
	return openapi.Default()
}

// rateLimited reports a 429 with a documented rate-limit code (42900,
// 42901) on a case that does not expect one: the run's own pace, or a number
// another case started, not the defect. It is inconclusive, never a pass.
func rateLimited(c Case, r *Response) (Finding, bool) {
	if r.HTTPStatus != 429 || r.Error == nil || (r.Error.Code != 42900 && r.Error.Code != 42901) {
		return Finding{}, false
	}
	if !c.Expect.Success && (slices.Contains(c.Expect.Codes, 42900) || slices.Contains(c.Expect.Codes, 42901)) {
		return Finding{}, false
	}
	f := newFinding(CheckRateLimited, SeverityInconclusive, c, "HTTP status", fmt.Sprintf("429 (errorCode %d)", r.Error.Code), wantOf(c))
	f.Detail = "a rate-limit answer the case did not ask for: retry later; it neither passes nor fails"
	return f, true
}

// wantOf says what the case owes, for findings.
func wantOf(c Case) string {
	if c.Expect.Success {
		return "2xx"
	}
	return fmt.Sprintf("HTTP %d errorCode %s", c.Expect.HTTPStatus, codeList(c.Expect.Codes))
}

// judgesError reports whether the error-answer checks apply: the case owes
// an error and the target answered with one.
func judgesError(c Case, r *Response) bool {
	return !c.Expect.Success && r.isError() && r.Error != nil
}

// isObject reports whether the body parsed as a JSON object.
func isObject(e *contracts.APIError) bool {
	return !e.Has(contracts.ProblemEmptyBody) && !e.Has(contracts.ProblemNotJSON) && !e.Has(contracts.ProblemNotObject)
}

func problemOn(e *contracts.APIError, kind contracts.ProblemKind, field string) (contracts.Problem, bool) {
	for _, p := range e.Problems {
		if p.Kind == kind && p.Field == field {
			return p, true
		}
	}
	return contracts.Problem{}, false
}

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
