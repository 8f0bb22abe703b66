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

	"github.com/vcheck/vcheck/internal/jsonscan"
)

// MaxErrorBodySize is the most of an error body that ParseError reads and
// that ParseErrorBody looks at: 1 MiB. A longer body is cut there and the
// cut is recorded as a ProblemTruncated.
const MaxErrorBodySize = 1 << 20

// ParseError reads at most MaxErrorBodySize+1 bytes of resp.Body and parses
// them as an error answer, keeping the response's status, Content-Type and
// Retry-After. It never panics and does not close the body; a read error is
// recorded as a problem with what was read so far parsed.
func ParseError(resp *http.Response) *APIError {
	if resp == nil {
		return &APIError{Problems: []Problem{{Kind: ProblemEmptyBody, Detail: "no response"}}}
	}
	body, readErr := readErrorBody(resp)
	return parseResponse(resp, body, readErr)
}

// readErrorBody reads at most MaxErrorBodySize+1 bytes of resp.Body, one
// more than ParseErrorBody looks at, so that a longer body is seen as cut.
func readErrorBody(resp *http.Response) ([]byte, error) {
	if resp.Body == nil {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(resp.Body, MaxErrorBodySize+1))
}

// parseResponse parses body, read from resp with readErr, as ParseError does.
func parseResponse(resp *http.Response, body []byte, readErr error) *APIError {
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
	s, verbatim, ok := jsonscan.String(raw)
	if !ok {
		e.Problems = append(e.Problems, Problem{Kind: ProblemWrongType, Field: name, Detail: "got a JSON " + jsonKind(raw) + ", want a string"})
		return "", false
	}
	if !verbatim && !utf8.Valid(raw) {
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
