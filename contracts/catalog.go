package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vcheck/vcheck/fixtures"
)

// Trigger says what can cause a documented error.
type Trigger string

// The trigger kinds of the catalog.
const (
	// TriggerRequest: a defect in one request (a bad field, a bad signature).
	TriggerRequest Trigger = "request"
	// TriggerState: a request that is valid alone but conflicts with earlier
	// ones (a reused reference, a number started too recently).
	TriggerState Trigger = "state"
	// TriggerAccount: the account or application (credit, configuration,
	// permissions); a request cannot cause it, a mock's magic value can.
	TriggerAccount Trigger = "account"
	// TriggerServer: the server (capacity, outages); a mock's magic value can.
	TriggerServer Trigger = "server"
)

func (t Trigger) valid() bool {
	switch t {
	case TriggerRequest, TriggerState, TriggerAccount, TriggerServer:
		return true
	}
	return false
}

// Triggerable reports whether a client can cause the error by what it sends
// (request or state), as opposed to account or server conditions.
func (t Trigger) Triggerable() bool { return t == TriggerRequest || t == TriggerState }

// Spec is one documented error code.
type Spec struct {
	// Code is the documented five-digit errorCode, e.g. 40005.
	Code int `json:"code"`
	// HTTPStatus is the HTTP status the error is sent with, e.g. 400.
	HTTPStatus int `json:"http_status"`
	// Type is the error type, the part of Status after the number.
	Type string `json:"type"`
	// Status is the canonical status string, e.g. "400 NumberMissingLeadingPlus".
	Status string `json:"status"`
	// Messages are the documented messages; the published example joins
	// alternatives with " / ".
	Messages []string `json:"messages"`
	// Description is the documented explanation of the code.
	Description string `json:"description"`
	// Section is the heading of the section the code is published under,
	// e.g. "420 - Unprocessable Entity" (erratum 4).
	Section string `json:"section"`
	// Trigger says what can cause the error.
	Trigger Trigger `json:"trigger"`
	// Magic is the reserved E.164 number that makes the reference mock answer
	// this error for an otherwise valid start request; empty for errors a
	// request can cause. The numbers are from Ofcom's drama range
	// (+44 7700 900000-900999), which never reaches a person.
	Magic string `json:"magic,omitempty"`
	// Example is the example body exactly as published, errata included.
	Example json.RawMessage `json:"example"`
}

// Erratum is a place where the published documentation contradicts itself.
type Erratum struct {
	ID int `json:"id"`
	// Codes are the error codes concerned (none for document-wide errata).
	Codes []int `json:"codes"`
	// Check names how the lint finds the erratum in the catalog's own data:
	// example-code, example-status, section-status, field-type,
	// signing-example, or declared (known from other pages only).
	Check string `json:"check"`
	// Example names the signing example a signing-example check recomputes.
	Example string `json:"example,omitempty"`
	// DocsSay is what the documentation says.
	DocsSay string `json:"docs_say"`
	// Policy is how vcheck treats the erratum.
	Policy string `json:"policy"`
}

// SigningExample is a signing example as printed in the documentation.
type SigningExample struct {
	Name        string `json:"name"`
	Source      string `json:"source"`
	Key         string `json:"key"`
	Secret      Secret `json:"secret"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	ContentType string `json:"content_type"`
	Timestamp   string `json:"timestamp"`
	Body        string `json:"body"`
	ContentMD5  string `json:"content_md5"`
	Signature   string `json:"signature"`
}

// Catalog is the documented error contract: the error codes, the documented
// field types, the errata and the signing examples. A Catalog is immutable
// after loading and safe for concurrent use.
type Catalog struct {
	// Schema is the catalog format's version; this vcheck reads version 1.
	Schema          int               `json:"schema"`
	Source          string            `json:"source"`
	Fields          map[string]string `json:"fields"`
	Errors          []Spec            `json:"errors"`
	Errata          []Erratum         `json:"errata"`
	SigningExamples []SigningExample  `json:"signing_examples"`

	byCode map[int]int
}

// CatalogError says which entry and field of a catalog file is wrong.
type CatalogError struct {
	// Entry names the entry, e.g. `errors[3] (code 40005)`; empty for the file.
	Entry string
	// Field is the JSON field, e.g. "http_status".
	Field string
	// Problem says what is wrong with it.
	Problem string
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	b.WriteString("catalog")
	if e.Entry != "" {
		b.WriteString(": " + e.Entry)
	}
	if e.Field != "" {
		b.WriteString(": field " + strconv.Quote(e.Field))
	}
	b.WriteString(": " + e.Problem)
	return b.String()
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// DefaultCatalog returns the catalog embedded in vcheck. It panics only if the
// embedded file is invalid, which TestDefaultCatalog rules out.
func DefaultCatalog() *Catalog {
	defaultOnce.Do(func() {
		c, err := LoadCatalog(fixtures.Catalog())
		if err != nil {
			panic("contracts: embedded catalog: " + err.Error())
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

// maxCatalogSize bounds a catalog file; the embedded one is about 20 KiB.
const maxCatalogSize = 4 << 20

// LoadCatalogFile reads and validates a catalog file.
func LoadCatalogFile(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("catalog file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("catalog file: %w", err)
	}
	if st.Size() > maxCatalogSize {
		return nil, fmt.Errorf("catalog file %s: %d bytes, more than the %d allowed", path, st.Size(), maxCatalogSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog file: %w", err)
	}
	c, err := LoadCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// LoadCatalog parses and validates a catalog. A malformed or inconsistent
// catalog fails with a *CatalogError that names the entry and the field.
func LoadCatalog(data []byte) (*Catalog, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &CatalogError{Problem: "empty file"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		field, problem := describeJSONError(data, dec.InputOffset(), err)
		return nil, &CatalogError{Field: field, Problem: problem}
	}
	if dec.More() {
		return nil, &CatalogError{Problem: "trailing data after the catalog object"}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// describeJSONError turns a decoding error into the field concerned (a
// dotted path such as "errors.http_status", or "" when unknown) and a
// message with a line number.
func describeJSONError(data []byte, offset int64, err error) (field, problem string) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "", fmt.Sprintf("not valid JSON at line %d: %v", lineOf(data, syn.Offset), syn)
	case errors.As(err, &typ):
		return typ.Field, fmt.Sprintf("line %d: got a JSON %s, want %s", lineOf(data, typ.Offset), typ.Value, typ.Type)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	// DisallowUnknownFields reports `unknown field "NAME"` with no type to
	// match and no offset (the decoder has read the whole value by then):
	// the name is all the error carries, so the line is where it is a key.
	if rest, ok := strings.CutPrefix(msg, "unknown field "); ok {
		if name, err := strconv.Unquote(rest); err == nil {
			if at := keyOffset(data, name); at >= 0 {
				return name, fmt.Sprintf("line %d: unknown field (a typo, or a newer catalog format)", lineOf(data, int64(at)))
			}
			return name, "unknown field (a typo, or a newer catalog format)"
		}
	}
	return "", fmt.Sprintf("line %d: %s", lineOf(data, offset), msg)
}

// keyOffset returns the offset of the first "name" that is followed by a
// colon, or -1.
func keyOffset(data []byte, name string) int {
	key := []byte(strconv.Quote(name))
	for at := 0; ; {
		i := bytes.Index(data[at:], key)
		if i < 0 {
			return -1
		}
		at += i + len(key)
		if rest := bytes.TrimLeft(data[at:], " \t\r\n"); len(rest) > 0 && rest[0] == ':' {
			return at - len(key)
		}
	}
}

func lineOf(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

var (
	typeName = regexp.MustCompile(`^[A-Z][A-Za-z]*$`)
	e164     = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	checks   = []string{"example-code", "example-status", "section-status", "field-type", "signing-example", "declared"}
)

// IsE164 reports whether s is an E.164 number as the API takes it: a plus,
// a non-zero first digit and 7 to 15 digits in all.
func IsE164(s string) bool { return e164.MatchString(s) }

func (c *Catalog) validate() error {
	if c.Schema != 1 {
		return &CatalogError{Field: "schema", Problem: fmt.Sprintf("version %d; this vcheck reads version 1", c.Schema)}
	}
	if len(c.Errors) == 0 {
		return &CatalogError{Field: "errors", Problem: "no error entries"}
	}
	c.byCode = make(map[int]int, len(c.Errors))
	magic := map[string]int{}
	for i := range c.Errors {
		s := &c.Errors[i]
		entry := fmt.Sprintf("errors[%d]", i)
		if s.Code != 0 {
			entry += fmt.Sprintf(" (code %d)", s.Code)
		}
		bad := func(field, format string, args ...any) error {
			return &CatalogError{Entry: entry, Field: field, Problem: fmt.Sprintf(format, args...)}
		}
		switch {
		case s.Code == 0:
			return bad("code", "missing")
		case s.Code < 10000 || s.Code > 99999:
			return bad("code", "%d is not five digits", s.Code)
		case s.HTTPStatus == 0:
			return bad("http_status", "missing")
		case s.HTTPStatus < 400 || s.HTTPStatus > 599:
			return bad("http_status", "%d is not an HTTP error status (400-599)", s.HTTPStatus)
		case s.Code/100 != s.HTTPStatus:
			return bad("code", "first three digits %d disagree with http_status %d (the documented rule: they are the HTTP status)", s.Code/100, s.HTTPStatus)
		case s.Type == "":
			return bad("type", "missing")
		case !typeName.MatchString(s.Type):
			return bad("type", "%q is not a type name like ParameterValidation", s.Type)
		case s.Status == "":
			return bad("status", "missing")
		case len(s.Messages) == 0:
			return bad("messages", "missing")
		case s.Description == "":
			return bad("description", "missing")
		case s.Section == "":
			return bad("section", "missing")
		case s.Trigger == "":
			return bad("trigger", "missing")
		case !s.Trigger.valid():
			return bad("trigger", "unknown trigger kind %q (want request, state, account or server)", s.Trigger)
		case len(s.Example) == 0:
			return bad("example", "missing")
		}
		if prev, dup := c.byCode[s.Code]; dup {
			return bad("code", "duplicate: errors[%d] has code %d too", prev, s.Code)
		}
		n, typ, err := ParseStatus(s.Status)
		if err != nil {
			return bad("status", "%v", err)
		}
		if n != s.HTTPStatus {
			return bad("status", "%q says %d, http_status is %d", s.Status, n, s.HTTPStatus)
		}
		if typ != s.Type {
			return bad("status", "%q says type %q, type is %q", s.Status, typ, s.Type)
		}
		for j, m := range s.Messages {
			if strings.TrimSpace(m) == "" {
				return bad(fmt.Sprintf("messages[%d]", j), "empty message")
			}
		}
		var ex map[string]json.RawMessage
		if err := json.Unmarshal(s.Example, &ex); err != nil {
			return bad("example", "not a JSON object: %v", err)
		}
		if s.Magic != "" {
			if s.Trigger.Triggerable() {
				return bad("magic", "only account and server errors take a magic value; trigger is %q", s.Trigger)
			}
			if !e164.MatchString(s.Magic) {
				return bad("magic", "%q is not an E.164 number", s.Magic)
			}
			if prev, dup := magic[s.Magic]; dup {
				return bad("magic", "%s is also the magic value of errors[%d]", s.Magic, prev)
			}
			magic[s.Magic] = i
		}
		c.byCode[s.Code] = i
	}
	ids := map[int]bool{}
	for i, e := range c.Errata {
		entry := fmt.Sprintf("errata[%d]", i)
		if e.ID != 0 {
			entry += fmt.Sprintf(" (erratum %d)", e.ID)
		}
		bad := func(field, format string, args ...any) error {
			return &CatalogError{Entry: entry, Field: field, Problem: fmt.Sprintf(format, args...)}
		}
		switch {
		case e.ID <= 0:
			return bad("id", "missing")
		case ids[e.ID]:
			return bad("id", "duplicate erratum id %d", e.ID)
		case e.DocsSay == "":
			return bad("docs_say", "missing")
		case e.Policy == "":
			return bad("policy", "missing")
		case !slices.Contains(checks, e.Check):
			return bad("check", "unknown check %q (want one of %s)", e.Check, strings.Join(checks, ", "))
		case e.Check == "signing-example" && c.signingExample(e.Example) == nil:
			return bad("example", "no signing example named %q", e.Example)
		}
		for _, code := range e.Codes {
			if _, ok := c.byCode[code]; !ok {
				return bad("codes", "code %d is not in the catalog", code)
			}
		}
		ids[e.ID] = true
	}
	for i, s := range c.SigningExamples {
		for _, f := range []struct{ name, value string }{
			{"name", s.Name}, {"method", s.Method}, {"path", s.Path}, {"key", s.Key}, {"secret", s.Secret.Reveal()}, {"timestamp", s.Timestamp},
		} {
			if f.value == "" {
				return &CatalogError{Entry: fmt.Sprintf("signing_examples[%d]", i), Field: f.name, Problem: "missing"}
			}
		}
	}
	return nil
}

func (c *Catalog) signingExample(name string) *SigningExample {
	for i := range c.SigningExamples {
		if c.SigningExamples[i].Name == name {
			return &c.SigningExamples[i]
		}
	}
	return nil
}

// Lookup returns the entry for a documented code.
func (c *Catalog) Lookup(code int) (Spec, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return Spec{}, false
	}
	return c.Errors[i], true
}

// Codes returns the documented codes in catalog order.
func (c *Catalog) Codes() []int {
	codes := make([]int, len(c.Errors))
	for i, s := range c.Errors {
		codes[i] = s.Code
	}
	return codes
}

// ByMagic returns the entry whose magic value is number.
func (c *Catalog) ByMagic(number string) (Spec, bool) {
	if number == "" {
		return Spec{}, false
	}
	for _, s := range c.Errors {
		if s.Magic == number {
			return s, true
		}
	}
	return Spec{}, false
}

// Erratum returns the erratum with the given id.
func (c *Catalog) Erratum(id int) (Erratum, bool) {
	for _, e := range c.Errata {
		if e.ID == id {
			return e, true
		}
	}
	return Erratum{}, false
}

// Body returns the canonical error body for the entry: the documented status
// string, code and message, as the reference mock sends it (see
// fixtures/golden). Message overrides the documented one when not empty.
func (s Spec) Body(message string) []byte {
	if message == "" {
		message = strings.Join(s.Messages, " / ")
	}
	b, _ := json.Marshal(struct {
		Status    string `json:"status"`
		ErrorCode int    `json:"errorCode"`
		Message   string `json:"message"`
	}{s.Status, s.Code, message})
	return b
}
