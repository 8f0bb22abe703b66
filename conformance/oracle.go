package conformance

import (
	"fmt"
	"slices"

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
