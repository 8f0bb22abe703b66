package contracts

import "fmt"

// ProblemKind names one way an error body departs from the documented shape.
type ProblemKind string

// The kinds of Problem the parser and the strict validation record.
const (
	ProblemEmptyBody      ProblemKind = "empty-body"      // no bytes at all
	ProblemNotJSON        ProblemKind = "not-json"        // not a JSON document
	ProblemNotObject      ProblemKind = "not-object"      // JSON, but not an object
	ProblemTruncated      ProblemKind = "truncated"       // longer than MaxErrorBodySize
	ProblemMissingField   ProblemKind = "missing-field"   // a documented field is absent
	ProblemWrongType      ProblemKind = "wrong-type"      // a field has another JSON type
	ProblemCodeAsString   ProblemKind = "code-as-string"  // errorCode sent as "40001" (erratum 5)
	ProblemBadStatus      ProblemKind = "bad-status"      // status is not "CODE Type"
	ProblemUnknownField   ProblemKind = "unknown-field"   // a field the docs do not list
	ProblemContentType    ProblemKind = "content-type"    // not application/json
	ProblemStatusMismatch ProblemKind = "status-mismatch" // status number != HTTP status
	ProblemCodeMismatch   ProblemKind = "code-mismatch"   // errorCode's first 3 digits != HTTP status
	ProblemUnknownCode    ProblemKind = "unknown-code"    // errorCode not in the catalog
	ProblemCatalogStatus  ProblemKind = "catalog-status"  // status string != the catalog's
	ProblemCatalogHTTP    ProblemKind = "catalog-http"    // HTTP status != the catalog's
	ProblemEmptyMessage   ProblemKind = "empty-message"   // message missing or blank
	ProblemMessage        ProblemKind = "message"         // message is not a documented one (a note)
	ProblemBadRetryAfter  ProblemKind = "bad-retry-after" // Retry-After header unparsable
	ProblemSuccessStatus  ProblemKind = "success-status"  // an error body with a 2xx/3xx status
	ProblemInvalidUTF8    ProblemKind = "invalid-utf8"    // a string field is not valid UTF-8
	ProblemBadReference   ProblemKind = "bad-reference"   // reference present but not a string or empty
)

// Problem is one anomaly in an error response. Problems are data, never Go
// errors: the parser recovers and keeps going, the oracle writes them down.
type Problem struct {
	Kind ProblemKind `json:"kind"`
	// Field is the body field or header concerned, empty for the whole body.
	Field string `json:"field,omitempty"`
	// Detail says what was found, e.g. `got a JSON string "40001"`.
	Detail string `json:"detail"`
}

func (p Problem) String() string {
	if p.Field == "" {
		return fmt.Sprintf("%s: %s", p.Kind, p.Detail)
	}
	return fmt.Sprintf("%s: %s: %s", p.Kind, p.Field, p.Detail)
}
