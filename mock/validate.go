package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// method is a verification method, normalised: flashCall is flashcall and
// phonecall is callout (erratum 13).
type method uint8

const (
	methodSMS method = iota + 1
	methodFlashCall
	methodCallout
	methodSeamless
	methodWhatsApp
)

// String is the method as the current wire format writes it.
func (m method) String() string {
	switch m {
	case methodSMS:
		return "sms"
	case methodFlashCall:
		return "flashcall"
	case methodCallout:
		return "callout"
	case methodSeamless:
		return "seamless"
	case methodWhatsApp:
		return "whatsapp"
	}
	return ""
}

// parseMethod reads a method as a start body, a report body or a path
// spells it.
func parseMethod(s string) (method, bool) {
	switch s {
	case "sms":
		return methodSMS, true
	case "flashcall", "flashCall":
		return methodFlashCall, true
	case "callout", "phonecall":
		return methodCallout, true
	case "seamless":
		return methodSeamless, true
	case "whatsapp":
		return methodWhatsApp, true
	}
	return 0, false
}

// reportKeys are the keys of a report's method object, per method.
func (m method) reportKeys() []string {
	switch m {
	case methodSMS:
		return []string{"sms"}
	case methodFlashCall:
		return []string{"flashCall", "flashcall"}
	case methodCallout:
		return []string{"callout"}
	case methodWhatsApp:
		return []string{"whatsapp"}
	}
	return nil
}

const methodList = "sms, flashcall, callout, seamless, whatsapp"

// reqError is a request the mock refuses: a documented code and the
// message to send with it ("" for the documented one). The zero value, code
// 0, is no refusal; a value, not a pointer, so that refusing costs no
// allocation.
type reqError struct {
	code int
	msg  string
}

func missing(name string) reqError {
	return reqError{40002, name + " parameter is missing."}
}

func invalid(format string, args ...any) reqError {
	return reqError{40003, fmt.Sprintf(format, args...)}
}

// object reads a request body as a JSON object. No body, or null, has no
// members (every parameter is missing); anything else that is not an
// object is 40003.
func object(body []byte) (fields, reqError) {
	if f, ok := parseObject(body); ok {
		return f, reqError{}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return fields{}, reqError{}
	}
	return nil, invalid("Request body is not a JSON object: %s", jsonProblem(trimmed))
}

// jsonProblem says briefly why a body is not a JSON object, without
// echoing the body.
func jsonProblem(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case err != nil:
		return "invalid JSON"
	}
	switch body[0] {
	case '"':
		return "a JSON string"
	case '[':
		return "a JSON array"
	case 't', 'f':
		return "a JSON boolean"
	}
	return "a JSON number"
}

// subObject reads a nested object: absent, null or another JSON type count
// as missing.
func subObject(f fields, key string) (fields, bool) {
	raw, ok := f.get(key)
	if !ok {
		return nil, false
	}
	return nestedObject(raw)
}

// param is a string parameter as found in a body.
type param struct {
	value   string
	present bool // not absent, not null, not ""
	str     bool // a JSON string (when present)
	kind    string
}

func stringParam(f fields, key string) param {
	raw, ok := f.get(key)
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return param{}
	}
	if raw[0] != '"' {
		return param{present: true, kind: jsonKind(raw[0])}
	}
	s, ok := known(raw)
	if !ok {
		s, _ = stringValue(raw)
	}
	if s == "" {
		return param{}
	}
	return param{value: s, present: true, str: true}
}

// known returns, without a copy, the value of a raw JSON string that spells
// an identity type or a method name as the documentation does (no escapes):
// the common values of the parameters that are only compared.
func known(raw []byte) (string, bool) {
	switch string(raw) { // no allocation: compared, not converted
	case `"number"`:
		return "number", true
	case `"sms"`:
		return "sms", true
	case `"flashcall"`:
		return "flashcall", true
	case `"flashCall"`:
		return "flashCall", true
	case `"callout"`:
		return "callout", true
	case `"seamless"`:
		return "seamless", true
	case `"whatsapp"`:
		return "whatsapp", true
	}
	return "", false
}

func jsonKind(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// requiredString reads a required string parameter: absent, null, empty
// or another JSON type are 40002 naming it.
func requiredString(f fields, key, name string) (string, reqError) {
	p := stringParam(f, key)
	switch {
	case !p.present:
		return "", missing(name)
	case !p.str:
		return "", reqError{40002, fmt.Sprintf("%s parameter is missing (got %s, want a string).", name, p.kind)}
	}
	return p.value, reqError{}
}

// startRequest is a valid start body.
type startRequest struct {
	endpoint  string
	method    method
	reference string
}

// parseStart validates a start body. The order of the checks is the order
// of the fields in the documented request: identity (type, endpoint), then
// method, then the optional reference.
func parseStart(body []byte) (startRequest, reqError) {
	var req startRequest
	m, e := object(body)
	if e.code != 0 {
		return req, e
	}
	identity, ok := subObject(m, "identity")
	if !ok {
		return req, missing("Identity")
	}
	typ, e := requiredString(identity, "type", "Type")
	if e.code != 0 {
		return req, e
	}
	if typ != "number" {
		return req, invalid("Identity type %q is not supported; want \"number\".", clip(typ))
	}
	if req.endpoint, e = requiredString(identity, "endpoint", "Endpoint"); e.code != 0 {
		return req, e
	}
	if e := checkNumber(req.endpoint); e.code != 0 {
		return req, e
	}
	name, e := requiredString(m, "method", "Method")
	if e.code != 0 {
		return req, e
	}
	if req.method, ok = parseMethod(name); !ok {
		return req, invalid("Verification method %q is not supported; want one of %s.", clip(name), methodList)
	}
	switch ref := stringParam(m, "reference"); {
	case ref.present && !ref.str:
		return req, invalid("Reference must be a string, got %s.", ref.kind)
	case ref.present:
		req.reference = ref.value
	}
	return req, reqError{}
}

// reportRequest is a valid report body.
type reportRequest struct {
	method method
	code   string // the code, or the CLI of a flashcall
}

// maxCodeLen is the documented maximum length of a report code.
const maxCodeLen = 10

// parseReport validates a report body: method, its object, and the code
// (or the CLI of a flashcall). It also returns the code as sent when it is
// a string, valid or not, for the server-error-on-long-code drift.
func parseReport(body []byte) (reportRequest, string, reqError) {
	var req reportRequest
	m, e := object(body)
	if e.code != 0 {
		return req, "", e
	}
	name, e := requiredString(m, "method", "Method")
	if e.code != 0 {
		return req, "", e
	}
	var ok bool
	if req.method, ok = parseMethod(name); !ok {
		return req, "", invalid("Verification method %q is not supported; want one of sms, flashcall, callout, whatsapp.", clip(name))
	}
	keys := req.method.reportKeys()
	if keys == nil {
		return req, "", invalid("A %s verification is not reported with a code.", req.method)
	}
	var sub fields
	for _, k := range keys {
		if sub, ok = subObject(m, k); ok {
			break
		}
	}
	if !ok {
		return req, "", missing(capitalize(keys[0]))
	}
	if req.method == methodFlashCall {
		req.code, e = requiredString(sub, "cli", "Cli")
		return req, req.code, e
	}
	raw, present := sub.get("code")
	if !present || string(raw) == "null" {
		return req, "", missing("Code")
	}
	p := stringParam(sub, "code")
	if p.present && !p.str {
		return req, "", reqError{40001, ""}
	}
	if !validCode(p.value) {
		return req, p.value, reqError{40001, ""}
	}
	req.code = p.value
	return req, p.value, reqError{}
}

// validCode reports whether s matches ^[A-Za-z0-9-]{1,10}$.
func validCode(s string) bool {
	if len(s) == 0 || len(s) > maxCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkNumber judges a phone number: E.164 is ^\+[1-9][0-9]{6,14}$ with a
// country code that exists. Digits without the plus (including the 00
// prefix some write instead of it) are 40005; anything else is 40003.
func checkNumber(n string) reqError {
	digits, plus := strings.CutPrefix(n, "+")
	if !allDigits(digits) {
		return reqError{40003, ""}
	}
	if !plus {
		return reqError{40005, ""}
	}
	if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' || spareCountryCode(digits) {
		return reqError{40003, ""}
	}
	return reqError{}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// spareCountryCode reports a number whose country code ITU-T E.164 leaves
// spare: 280-289 and 292-296. No country has them.
func spareCountryCode(digits string) bool {
	return len(digits) >= 3 && digits[0] == '2' && (digits[1] == '8' || digits[1] == '9' && '2' <= digits[2] && digits[2] <= '6')
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clip shortens a value the client sent before it goes into a message.
func clip(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "..."
}
