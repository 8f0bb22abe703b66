package contracts

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// APIError is an error answer of the Verification API, parsed tolerantly.
// Use errors.As to get one from an error chain; Problems lists every way the
// body departed from the shape the parser expects.
type APIError struct {
	// HTTPStatus is the response's status code; 0 when parsed from bytes alone.
	HTTPStatus int `json:"http_status,omitempty"`
	// ContentType is the response's Content-Type header, as sent.
	ContentType string `json:"content_type,omitempty"`
	// Status is the body's "status" exactly as sent, e.g. "400 ParameterValidation".
	Status string `json:"status,omitempty"`
	// StatusCode is the number at the start of Status (0 if none); it can
	// disagree with HTTPStatus (erratum 2).
	StatusCode int `json:"status_code,omitempty"`
	// Type is the rest of Status, e.g. "ParameterValidation".
	Type string `json:"type,omitempty"`
	// Code is errorCode, sent as a JSON number or a numeric string (erratum 5).
	Code int `json:"error_code,omitempty"`
	// Message is the body's "message".
	Message string `json:"message,omitempty"`
	// Reference is the body's optional support "reference".
	Reference string `json:"reference,omitempty"`
	// RetryAfter is the Retry-After header's delay, if one was sent.
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// Raw is the body as read, at most MaxErrorBodySize bytes.
	Raw []byte `json:"-"`
	// Extra holds fields the documentation does not list, kept out of the way.
	Extra map[string]json.RawMessage `json:"-"`
	// Problems lists every anomaly found while parsing.
	Problems []Problem `json:"problems,omitempty"`
	// Response is the response the error was read from when CheckResponse
	// made it; nil from ParseError and ParseErrorBody.
	Response *http.Response `json:"-"`
}

// Error says what the API answered. It never panics, even on a zero APIError.
func (e *APIError) Error() string {
	if e == nil {
		return "sinch: <nil>"
	}
	var b strings.Builder
	b.WriteString("sinch")
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": errorCode %d", e.Code)
	}
	if e.Type != "" {
		fmt.Fprintf(&b, " (%s)", e.Type)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Reference != "" {
		fmt.Fprintf(&b, " [reference %s]", e.Reference)
	}
	if e.Code == 0 && e.Message == "" {
		if p, ok := e.first(ProblemEmptyBody, ProblemNotJSON, ProblemNotObject); ok {
			fmt.Fprintf(&b, ": %s", p.Detail)
		}
	}
	return b.String()
}

func (e *APIError) first(kinds ...ProblemKind) (Problem, bool) {
	for _, p := range e.Problems {
		if slices.Contains(kinds, p.Kind) {
			return p, true
		}
	}
	return Problem{}, false
}

// Has reports whether the parser recorded a problem of the given kind.
func (e *APIError) Has(kind ProblemKind) bool {
	_, ok := e.first(kind)
	return ok
}

// HTTP returns the best known HTTP status: the response's, else the one the
// body's status string names, else the first three digits of errorCode.
func (e *APIError) HTTP() int {
	switch {
	case e.HTTPStatus != 0:
		return e.HTTPStatus
	case e.StatusCode != 0:
		return e.StatusCode
	case e.Code >= 10000 && e.Code <= 99999:
		return e.Code / 100
	}
	return 0
}

// Retryable reports whether sending the same request again later makes
// sense: HTTP 429 (42900 capacity, 42901 velocity) and 5xx, per the errors
// page ("Try the request a little later"). 4xx other than 429 never are.
func (e *APIError) Retryable() bool {
	s := e.HTTP()
	return s == http.StatusTooManyRequests || (s >= 500 && s <= 599)
}

// Match returns the catalog entry for the error's code.
func (e *APIError) Match(c *Catalog) (Spec, bool) { return c.Lookup(e.Code) }
