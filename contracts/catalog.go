package contracts

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
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
	// Check names how the lint finds the erratum in the catalog's own data.
	Check ErratumCheck `json:"check"`
	// Example names the signing example a signing-example check recomputes.
	Example string `json:"example,omitempty"`
	// DocsSay is what the documentation says.
	DocsSay string `json:"docs_say"`
	// Policy is how vcheck treats the erratum.
	Policy string `json:"policy"`
}

// ErratumCheck names how the lint finds an erratum in the catalog's own data.
type ErratumCheck string

// The lint's checks, as a catalog file names them.
const (
	// CheckExampleCode: an example body's errorCode is not its entry's code.
	CheckExampleCode ErratumCheck = "example-code"
	// CheckExampleStatus: an example body's status names another HTTP status.
	CheckExampleStatus ErratumCheck = "example-status"
	// CheckSectionStatus: the section heading names another HTTP status.
	CheckSectionStatus ErratumCheck = "section-status"
	// CheckFieldType: the field table gives a field another JSON type than
	// the examples send.
	CheckFieldType ErratumCheck = "field-type"
	// CheckSigningExample: a printed signing example does not recompute.
	CheckSigningExample ErratumCheck = "signing-example"
	// CheckDeclared: known from other pages only; the data cannot show it.
	CheckDeclared ErratumCheck = "declared"
)

// erratumChecks are the checks a catalog may name, in the order the
// validation lists them.
var erratumChecks = []ErratumCheck{CheckExampleCode, CheckExampleStatus, CheckSectionStatus, CheckFieldType, CheckSigningExample, CheckDeclared}

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
// after loading and safe for concurrent use: its data is unexported, and
// every accessor returns a copy (nested slices and maps included), so that
// no caller can change what another caller, or a later call, sees.
type Catalog struct {
	data   catalogData
	byCode map[int]int
}

// catalogData is a catalog file as decoded: the one place its JSON shape is
// declared.
type catalogData struct {
	// Schema is the catalog format's version; this vcheck reads version 1.
	Schema          int               `json:"schema"`
	Source          string            `json:"source"`
	Fields          map[string]string `json:"fields"`
	Errors          []Spec            `json:"errors"`
	Errata          []Erratum         `json:"errata"`
	SigningExamples []SigningExample  `json:"signing_examples"`
}

// Schema returns the catalog format's version; this vcheck reads version 1.
func (c *Catalog) Schema() int { return c.data.Schema }

// Source returns where the catalog's data was taken from, as the file says.
func (c *Catalog) Source() string { return c.data.Source }

// Fields returns a copy of the documented field table: field name to the
// JSON type the documentation gives it.
func (c *Catalog) Fields() map[string]string { return maps.Clone(c.data.Fields) }

// Errors returns a copy of the documented error entries, in catalog order.
func (c *Catalog) Errors() []Spec {
	out := make([]Spec, len(c.data.Errors))
	for i, s := range c.data.Errors {
		out[i] = s.clone()
	}
	return out
}

// Errata returns a copy of the errata of the published documentation.
func (c *Catalog) Errata() []Erratum {
	out := make([]Erratum, len(c.data.Errata))
	for i, e := range c.data.Errata {
		out[i] = e.clone()
	}
	return out
}

// SigningExamples returns a copy of the signing examples as printed in the
// documentation.
func (c *Catalog) SigningExamples() []SigningExample { return slices.Clone(c.data.SigningExamples) }

// MarshalJSON encodes the catalog in its file format (secrets redacted).
func (c *Catalog) MarshalJSON() ([]byte, error) { return json.Marshal(c.data) }

// clone returns s with its own copies of Messages and Example.
func (s Spec) clone() Spec {
	s.Messages = slices.Clone(s.Messages)
	s.Example = bytes.Clone(s.Example)
	return s
}

// clone returns e with its own copy of Codes.
func (e Erratum) clone() Erratum {
	e.Codes = slices.Clone(e.Codes)
	return e
}

func (c *Catalog) signingExample(name string) *SigningExample {
	i := slices.IndexFunc(c.data.SigningExamples, func(e SigningExample) bool { return e.Name == name })
	if i < 0 {
		return nil
	}
	return &c.data.SigningExamples[i]
}

// Lookup returns (a copy of) the entry for a documented code.
func (c *Catalog) Lookup(code int) (Spec, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return Spec{}, false
	}
	return c.data.Errors[i].clone(), true
}

// entry returns the entry for code itself, for reading inside the package
// without the copy Lookup makes.
func (c *Catalog) entry(code int) (*Spec, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return nil, false
	}
	return &c.data.Errors[i], true
}

// Codes returns the documented codes in catalog order.
func (c *Catalog) Codes() []int {
	codes := make([]int, len(c.data.Errors))
	for i, s := range c.data.Errors {
		codes[i] = s.Code
	}
	return codes
}

// ByMagic returns (a copy of) the entry whose magic value is number.
func (c *Catalog) ByMagic(number string) (Spec, bool) {
	if number == "" {
		return Spec{}, false
	}
	i := slices.IndexFunc(c.data.Errors, func(s Spec) bool { return s.Magic == number })
	if i < 0 {
		return Spec{}, false
	}
	return c.data.Errors[i].clone(), true
}

// Erratum returns (a copy of) the erratum with the given id.
func (c *Catalog) Erratum(id int) (Erratum, bool) {
	i := slices.IndexFunc(c.data.Errata, func(e Erratum) bool { return e.ID == id })
	if i < 0 {
		return Erratum{}, false
	}
	return c.data.Errata[i].clone(), true
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
