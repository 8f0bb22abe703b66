package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxErrorBodySize is the most of an error body that ParseError reads and
// that ParseErrorBody looks at: 1 MiB. A longer body is cut there and the
// cut is recorded as a ProblemTruncated.
const MaxErrorBodySize = 1 << 20

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
		for _, k := range kinds {
			if p.Kind == k {
				return p, true
			}
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

// ParseError reads at most MaxErrorBodySize+1 bytes of resp.Body and parses
// them as an error answer, keeping the response's status, Content-Type and
// Retry-After. It never panics and does not close the body; a read error is
// recorded as a problem with what was read so far parsed.
func ParseError(resp *http.Response) *APIError {
	if resp == nil {
		return &APIError{Problems: []Problem{{Kind: ProblemEmptyBody, Detail: "no response"}}}
	}
	var body []byte
	var readErr error
	if resp.Body != nil {
		body, readErr = io.ReadAll(io.LimitReader(resp.Body, MaxErrorBodySize+1))
	}
	e := ParseErrorBody(body)
	e.HTTPStatus = resp.StatusCode
	e.ContentType = resp.Header.Get("Content-Type")
	if readErr != nil {
		e.Problems = append(e.Problems, Problem{Kind: ProblemTruncated, Detail: fmt.Sprintf("reading the body failed after %d bytes: %v", len(body), readErr)})
	}
	if ct := e.ContentType; ct == "" {
		e.Problems = append(e.Problems, Problem{Kind: ProblemContentType, Field: "Content-Type", Detail: "no Content-Type header"})
	} else if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		e.Problems = append(e.Problems, Problem{Kind: ProblemContentType, Field: "Content-Type", Detail: fmt.Sprintf("got %q, want application/json", ct)})
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if d, ok := parseRetryAfter(ra, time.Now()); ok {
			e.RetryAfter = d
		} else {
			e.Problems = append(e.Problems, Problem{Kind: ProblemBadRetryAfter, Field: "Retry-After", Detail: fmt.Sprintf("%q is neither seconds nor an HTTP date", ra)})
		}
	}
	return e
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// documentedFields are the body fields the errors page lists.
var documentedFields = []string{"status", "errorCode", "message", "reference"}

// ParseErrorBody parses an error body. It never panics and looks at no more
// than MaxErrorBodySize bytes (a longer body is cut and the cut recorded).
// errorCode may be a JSON number or a numeric string; status is split into
// StatusCode and Type; missing fields stay zero and are recorded; unknown
// fields go to Extra; a body that is empty or not JSON becomes an APIError
// whose Problems say what it was.
func ParseErrorBody(body []byte) *APIError {
	e := &APIError{}
	if len(body) > MaxErrorBodySize {
		e.Problems = append(e.Problems, Problem{Kind: ProblemTruncated, Detail: fmt.Sprintf("body longer than %d bytes; only the first %d were read", MaxErrorBodySize, MaxErrorBodySize)})
		body = body[:MaxErrorBodySize]
	}
	e.Raw = body
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		e.Problems = append(e.Problems, Problem{Kind: ProblemEmptyBody, Detail: "the body is empty"})
		return e
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil {
		if !json.Valid(trimmed) {
			e.Problems = append(e.Problems, Problem{Kind: ProblemNotJSON, Detail: "not JSON: starts with " + snippet(trimmed)})
		} else {
			e.Problems = append(e.Problems, Problem{Kind: ProblemNotObject, Detail: "JSON but not an object: " + snippet(trimmed)})
		}
		return e
	}
	if fields == nil { // the literal null
		e.Problems = append(e.Problems, Problem{Kind: ProblemNotObject, Detail: "JSON but not an object: null"})
		return e
	}
	for _, name := range documentedFields {
		if _, ok := fields[name]; !ok && name != "reference" {
			e.Problems = append(e.Problems, Problem{Kind: ProblemMissingField, Field: name, Detail: "absent"})
		}
	}
	if raw, ok := fields["status"]; ok {
		if s, ok := e.stringField("status", raw); ok {
			e.Status = s
			if code, typ, err := ParseStatus(s); err != nil {
				e.Problems = append(e.Problems, Problem{Kind: ProblemBadStatus, Field: "status", Detail: err.Error()})
			} else {
				e.StatusCode, e.Type = code, typ
			}
		}
	}
	if raw, ok := fields["errorCode"]; ok {
		e.Code = e.parseCode(raw)
	}
	if raw, ok := fields["message"]; ok {
		if s, ok := e.stringField("message", raw); ok {
			e.Message = s
			if strings.TrimSpace(s) == "" {
				e.Problems = append(e.Problems, Problem{Kind: ProblemEmptyMessage, Field: "message", Detail: "blank"})
			}
		}
	}
	if raw, ok := fields["reference"]; ok {
		if s, ok := e.stringField("reference", raw); ok {
			e.Reference = s
			if strings.TrimSpace(s) == "" {
				e.Problems = append(e.Problems, Problem{Kind: ProblemBadReference, Field: "reference", Detail: "present but blank"})
			}
		}
	}
	for name, raw := range fields {
		switch name {
		case "status", "errorCode", "message", "reference":
			continue
		}
		if e.Extra == nil {
			e.Extra = map[string]json.RawMessage{}
		}
		e.Extra[name] = raw
	}
	return e
}

// stringField decodes a field that the docs say is a string.
func (e *APIError) stringField(name string, raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: name, Detail: "got a JSON " + jsonKind(raw) + ", want a string"})
		return "", false
	}
	if !utf8.Valid(raw) {
		e.Problems = append(e.Problems, Problem{Kind: ProblemInvalidUTF8, Field: name, Detail: "not valid UTF-8"})
	}
	return s, true
}

// parseCode accepts 40001, "40001" and 40001.0, and records anything else.
func (e *APIError) parseCode(raw json.RawMessage) int {
	var n json.Number // also accepts a quoted number, hence the first-byte test
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] != '"' && json.Unmarshal(t, &n) == nil {
		if v, err := strconv.ParseInt(string(n), 10, 32); err == nil && v >= 0 {
			return int(v)
		}
		if f, err := strconv.ParseFloat(string(n), 64); err == nil && f == float64(int32(f)) && f >= 0 {
			return int(f)
		}
		e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: "errorCode", Detail: fmt.Sprintf("the number %s is not an error code", n)})
		return 0
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 || v > 1<<31-1 || strings.TrimSpace(s) != s || strings.HasPrefix(s, "+") {
			e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: "errorCode", Detail: fmt.Sprintf("the string %q is not a number", s)})
			return 0
		}
		e.Problems = append(e.Problems, Problem{Kind: ProblemCodeAsString, Field: "errorCode", Detail: fmt.Sprintf("got the string %q; every published example sends a JSON number (erratum 5)", s)})
		return v
	}
	e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: "errorCode", Detail: "got a JSON " + jsonKind(raw) + ", want a number"})
	return 0
}

func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '"':
		return "string " + snippet(t)
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number " + snippet(t)
}

// snippet quotes the start of b for a message: at most 40 bytes, valid UTF-8.
func snippet(b []byte) string {
	const limit = 40
	if len(b) <= limit {
		return strconv.Quote(string(b))
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strconv.Quote(string(b[:cut])) + "..."
}
