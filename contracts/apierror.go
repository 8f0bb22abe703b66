package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
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
		if d, ok := ParseRetryAfter(ra, time.Now()); ok {
			e.RetryAfter = d
		} else {
			e.Problems = append(e.Problems, Problem{Kind: ProblemBadRetryAfter, Field: "Retry-After", Detail: fmt.Sprintf("%q is neither seconds nor an HTTP date", ra)})
		}
	}
	return e
}

// MaxRetryAfter is the longest delay ParseRetryAfter returns: a longer one,
// however many digits it has, is returned as MaxRetryAfter. It keeps the
// arithmetic from overflowing time.Duration; a day is longer than any wait
// a client of this API would honour (a runner bounds its own wait further).
const MaxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads a Retry-After value (RFC 9110 section 10.2.3) as
// the delay it asks for at now: delay-seconds, which is 1*DIGIT (so "1.5",
// "-5", "+5" and "" are invalid), or an HTTP-date (one already past asks
// for 0). The delay is at most MaxRetryAfter. ok is false for an invalid
// value; every caller in vcheck parses Retry-After with it, so the oracle
// and the runner never disagree on what a header says.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v) // OWS around a field value is not part of it
	if v != "" && !strings.ContainsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > uint64(MaxRetryAfter/time.Second) { // only ErrRange is possible here
			return MaxRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), MaxRetryAfter), true
	}
	return 0, false
}

// ParseErrorBody parses an error body. It never panics and looks at no more
// than MaxErrorBodySize bytes (a longer body is cut and the cut recorded).
// errorCode may be a JSON number or a numeric string; status is split into
// StatusCode and Type; missing fields stay zero and are recorded; unknown
// fields go to Extra and are recorded; a body that is empty or not JSON
// becomes an APIError whose Problems say what it was.
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
	var f bodyFields
	if !f.scanFlat(trimmed) {
		f = bodyFields{} // the fast path may have stopped half way
		if !e.decodeFields(trimmed, &f) {
			return e
		}
	}
	e.fill(&f)
	return e
}

// bodyFields holds the raw JSON value of each top-level field of a body.
type bodyFields struct {
	// The documented fields; nil when absent.
	status, errorCode, message, reference []byte
	// extra holds the fields the docs do not list.
	extra map[string]json.RawMessage
}

// set records one field; it returns false for a name seen before.
func (f *bodyFields) set(name []byte, raw []byte) bool {
	var slot *[]byte
	switch string(name) {
	case "status":
		slot = &f.status
	case "errorCode":
		slot = &f.errorCode
	case "message":
		slot = &f.message
	case "reference":
		slot = &f.reference
	default:
		if f.extra == nil {
			f.extra = map[string]json.RawMessage{}
		}
		if _, dup := f.extra[string(name)]; dup {
			return false
		}
		f.extra[string(name)] = bytes.Clone(raw)
		return true
	}
	if *slot != nil {
		return false
	}
	*slot = raw
	return true
}

// scanFlat is the fast path for the common shape of an error body: one JSON
// object whose keys are printable ASCII without escapes and whose values are
// numbers or strings without escapes, each key once. It fills f and returns
// true only for such a body, which is then valid JSON whose fields decode to
// exactly what the general path would find; anything else returns false and
// goes to decodeFields.
func (f *bodyFields) scanFlat(b []byte) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if c := b[j]; c < 0x20 || c >= 0x7f || c == '\\' {
				return false
			}
			j++
		}
		if j >= len(b) {
			return false
		}
		name := b[i+1 : j]
		i = skipSpace(b, j+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		start := i
		switch {
		case i >= len(b):
			return false
		case b[i] == '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if c := b[j]; c < 0x20 || c == '\\' {
					return false
				}
				j++
			}
			if j >= len(b) || !utf8.Valid(b[i+1:j]) {
				return false
			}
			i = j + 1
		case b[i] == '-' || isDigit(b[i]):
			if i = scanNumber(b, i); i < 0 {
				return false
			}
		default:
			return false // literals, objects and arrays: the general path
		}
		if !f.set(name, b[start:i]) {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// skipSpace skips JSON white space from b[i].
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scanNumber returns the end of the JSON number starting at b[i], or -1
// when none starts there (RFC 8259 section 6).
func scanNumber(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1
	case b[i] == '0':
		i++
	case isDigit(b[i]):
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return -1
	}
	digits := func() bool {
		d := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		return i > d
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return -1
		}
	}
	return i
}

// decodeFields is the general path: any JSON. It records why a body that
// is not a JSON object cannot be read, and then returns false.
func (e *APIError) decodeFields(trimmed []byte, f *bodyFields) bool {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil {
		if !json.Valid(trimmed) {
			e.Problems = append(e.Problems, Problem{Kind: ProblemNotJSON, Detail: "not JSON: starts with " + snippet(trimmed)})
		} else {
			e.Problems = append(e.Problems, Problem{Kind: ProblemNotObject, Detail: "JSON but not an object: " + snippet(trimmed)})
		}
		return false
	}
	if fields == nil { // the literal null
		e.Problems = append(e.Problems, Problem{Kind: ProblemNotObject, Detail: "JSON but not an object: null"})
		return false
	}
	for name, raw := range fields {
		f.set([]byte(name), bytes.TrimSpace(raw)) // names are unique in a map
	}
	return true
}

// fill sets e's fields from f and records what departs from the documented
// shape, in a fixed order: missing fields, then status, errorCode, message,
// reference, and unknown fields by name.
func (e *APIError) fill(f *bodyFields) {
	for _, field := range []struct {
		name string
		raw  []byte
	}{{"status", f.status}, {"errorCode", f.errorCode}, {"message", f.message}} {
		if field.raw == nil {
			e.Problems = append(e.Problems, Problem{Kind: ProblemMissingField, Field: field.name, Detail: "absent"})
		}
	}
	if f.status != nil {
		if s, ok := e.stringField("status", f.status); ok {
			e.Status = s
			if code, typ, err := ParseStatus(s); err != nil {
				e.Problems = append(e.Problems, Problem{Kind: ProblemBadStatus, Field: "status", Detail: err.Error()})
			} else {
				e.StatusCode, e.Type = code, typ
			}
		}
	}
	if f.errorCode != nil {
		e.Code = e.parseCode(f.errorCode)
	}
	if f.message != nil {
		if s, ok := e.stringField("message", f.message); ok {
			e.Message = s
			if strings.TrimSpace(s) == "" {
				e.Problems = append(e.Problems, Problem{Kind: ProblemEmptyMessage, Field: "message", Detail: "blank"})
			}
		}
	}
	if f.reference != nil {
		if s, ok := e.stringField("reference", f.reference); ok {
			e.Reference = s
			if strings.TrimSpace(s) == "" {
				e.Problems = append(e.Problems, Problem{Kind: ProblemBadReference, Field: "reference", Detail: "present but blank"})
			}
		}
	}
	if len(f.extra) > 0 {
		e.Extra = f.extra
		for _, name := range slices.Sorted(maps.Keys(f.extra)) {
			e.Problems = append(e.Problems, Problem{Kind: ProblemUnknownField, Field: name, Detail: "not a field the errors page lists"})
		}
	}
}

// stringField decodes a field that the docs say is a string; raw is one
// valid JSON value.
func (e *APIError) stringField(name string, raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: name, Detail: "got a JSON " + jsonKind(raw) + ", want a string"})
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true // no escapes: the bytes are the value
	}
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

// parseCode accepts 40001, "40001" and 40001.0, and records anything else;
// raw is one valid JSON value.
func (e *APIError) parseCode(raw []byte) int {
	switch {
	case len(raw) == 0:
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			break
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 1<<31-1 || strings.HasPrefix(s, "+") {
			e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: "errorCode", Detail: fmt.Sprintf("the string %q is not a number", s)})
			return 0
		}
		e.Problems = append(e.Problems, Problem{Kind: ProblemCodeAsString, Field: "errorCode", Detail: fmt.Sprintf("got the string %q; every published example sends a JSON number (erratum 5)", s)})
		return v
	case raw[0] == '-' || isDigit(raw[0]):
		if len(raw) <= 9 && !slices.ContainsFunc(raw, func(c byte) bool { return !isDigit(c) }) {
			v := 0 // the common case: a plain integer that fits
			for _, c := range raw {
				v = v*10 + int(c-'0')
			}
			return v
		}
		n := string(raw)
		if v, err := strconv.ParseInt(n, 10, 32); err == nil && v >= 0 {
			return int(v)
		}
		if f, err := strconv.ParseFloat(n, 64); err == nil && f == float64(int32(f)) && f >= 0 {
			return int(f)
		}
		e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: "errorCode", Detail: fmt.Sprintf("the number %s is not an error code", n)})
		return 0
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
