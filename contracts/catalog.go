package contracts

import (
	"encoding/json"
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
