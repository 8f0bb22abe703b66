package proxy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// Rule is one proxy rule:
//
//	[id:] METHOD PATH [header:/body: conditions] => action[, action] [times=N after=N every=N p=F]
//
// A Rule is plain data: ParseRule(r.String()) gives back r, field for field.
type Rule struct {
	// ID names the rule in the record and in error messages; optional.
	ID string
	// Method is an HTTP method in upper case, or "*" for any.
	Method string
	// Path is a path pattern: literal segments, "*" for exactly one
	// segment, and a last segment "..." for any rest (none included);
	// "*" alone matches every path.
	Path string
	// Conditions must all hold for the rule to match.
	Conditions []Condition
	// Actions say what the proxy does when the rule fires, in order.
	Actions []Action
	// Times bounds how often the rule fires (0: no bound).
	Times int
	// After skips the first After matching requests.
	After int
	// Every fires on every Every-th matching request after After (0 or 1: each).
	Every int
	// P fires with this probability, drawn from the proxy's seeded
	// generator (0: always).
	P float64
}

// Condition is a header: or body: condition of a rule.
type Condition struct {
	// On is what the condition looks at: FieldHeader or FieldBody.
	On Field
	// Name is the header name, or a JSON pointer into the request body
	// (e.g. "/identity/endpoint").
	Name string
	// Op is OpPresent, OpEqual or OpMatch.
	Op Op
	// Value is compared with the header value or the JSON value (a string
	// as is, any other JSON value as its compact JSON text).
	Value string
}

// Field is what a condition looks at, as the grammar spells it before
// the colon.
type Field string

// The fields of a condition.
const (
	FieldHeader Field = "header" // a request header, by name
	FieldBody   Field = "body"   // a value in the JSON request body, by JSON pointer
)

// Op is how a condition compares, as the grammar spells it.
type Op string

// The operators of a condition.
const (
	OpPresent Op = ""  // the header or the JSON value is there
	OpEqual   Op = "=" // ... and equals Value
	OpMatch   Op = "~" // ... and matches the regular expression Value
)

// ActionKind names an action of the grammar (sinch, status, ...).
type ActionKind string

// The action kinds.
const (
	ActSinch   ActionKind = "sinch"   // the documented body of Code (Example: the published example)
	ActStatus  ActionKind = "status"  // the HTTP status Status
	ActBody    ActionKind = "body"    // a body of kind Body
	ActHeader  ActionKind = "header"  // the response header Name: Value
	ActDelay   ActionKind = "delay"   // wait Delay first
	ActHang    ActionKind = "hang"    // never answer (bounded by the proxy's max hang)
	ActReset   ActionKind = "reset"   // reset the connection (TCP RST)
	ActClose   ActionKind = "close"   // close the connection without an answer
	ActPartial ActionKind = "partial" // send Fraction of the answer, then Then
	ActLose    ActionKind = "lose"    // forward, let the upstream execute, drop the answer by Then
	ActPass    ActionKind = "pass"    // forward unchanged
)

// BodyKind names a body of body(...).
type BodyKind string

// The body kinds of body(...).
const (
	BodyHTML         BodyKind = "html"           // a gateway's HTML error page
	BodyText         BodyKind = "text"           // a plain-text error
	BodyEmpty        BodyKind = "empty"          // no body at all, Content-Type application/json
	BodyNotJSON      BodyKind = "notjson"        // Content-Type application/json, but not JSON
	BodyCodeAsString BodyKind = "code-as-string" // the sinch(...) body with errorCode as a JSON string
	BodyHuge         BodyKind = "huge"           // a 16 MiB JSON error body
)

var bodyKinds = []BodyKind{BodyHTML, BodyText, BodyEmpty, BodyNotJSON, BodyCodeAsString, BodyHuge}

// Action is one action of a rule; which fields count depends on Kind.
type Action struct {
	Kind     ActionKind
	Code     int           // sinch
	Example  bool          // sinch: the published example verbatim
	Status   int           // status
	Body     BodyKind      // body
	Name     string        // header
	Value    string        // header
	Delay    time.Duration // delay
	Fraction float64       // partial: in (0, 1)
	Then     ActionKind    // partial: reset, close or hang; lose: reset or close
}

// String prints the rule in the grammar ParseRule reads.
func (r Rule) String() string {
	var b strings.Builder
	if r.ID != "" {
		b.WriteString(r.ID + ": ")
	}
	b.WriteString(r.Method + " " + r.Path)
	for _, c := range r.Conditions {
		b.WriteString(" " + c.String())
	}
	b.WriteString(" =>")
	for i, a := range r.Actions {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(" " + a.String())
	}
	if r.Times > 0 {
		b.WriteString(" times=" + strconv.Itoa(r.Times))
	}
	if r.After > 0 {
		b.WriteString(" after=" + strconv.Itoa(r.After))
	}
	if r.Every > 0 {
		b.WriteString(" every=" + strconv.Itoa(r.Every))
	}
	if r.P > 0 {
		b.WriteString(" p=" + strconv.FormatFloat(r.P, 'g', -1, 64))
	}
	return b.String()
}

// Name is the rule's ID, or its text when it has none.
func (r Rule) Name() string {
	if r.ID != "" {
		return r.ID
	}
	return r.String()
}

// String prints the condition as ParseRule reads it.
func (c Condition) String() string {
	if c.Op == OpPresent {
		return string(c.On) + ":" + c.Name
	}
	return string(c.On) + ":" + c.Name + string(c.Op) + quote(c.Value)
}

// String prints the action as ParseRule reads it.
func (a Action) String() string {
	switch a.Kind {
	case ActSinch:
		if a.Example {
			return fmt.Sprintf("sinch(%d,example)", a.Code)
		}
		return fmt.Sprintf("sinch(%d)", a.Code)
	case ActStatus:
		return fmt.Sprintf("status(%d)", a.Status)
	case ActBody:
		return "body(" + string(a.Body) + ")"
	case ActHeader:
		return "header(" + a.Name + "=" + quote(a.Value) + ")"
	case ActDelay:
		return "delay(" + a.Delay.String() + ")"
	case ActPartial:
		return "partial(" + strconv.FormatFloat(a.Fraction, 'g', -1, 64) + "," + string(a.Then) + ")"
	case ActLose:
		return "lose(" + string(a.Then) + ")"
	}
	return string(a.Kind)
}

// quote leaves a value bare when ParseRule reads it back unchanged in every
// place a value appears, and quotes it otherwise.
func quote(v string) string {
	if v == "" || strings.Contains(v, "=>") {
		return strconv.Quote(v)
	}
	for _, c := range []byte(v) {
		if c <= 0x20 || c >= 0x7f || strings.IndexByte("\"\\,()=~", c) >= 0 {
			return strconv.Quote(v)
		}
	}
	return v
}

// catalog is the documented contract the rules name codes from.
func catalog() *contracts.Catalog { return contracts.DefaultCatalog() }

// Validate reports whether r is a rule ParseRule could have read, with an
// error that names it. A Rule built in Go skips ParseRule, so a bad regular
// expression, an action without its fields, a negative count or a field
// its action kind does not use would otherwise surface as a panic or a
// silent misfire when a request comes; New and NewSession call it.
func (r Rule) Validate() error {
	text := r.String()
	back, err := ParseRule(text)
	if err != nil {
		return err
	}
	if !sameRule(back, r) {
		return fmt.Errorf("rule %q: its fields do not say what its text %q says (a field its action kind does not use, or a value out of range)", r.Name(), text)
	}
	return nil
}

// sameRule compares two rules field for field, a nil list equal to an
// empty one.
func sameRule(a, b Rule) bool {
	if a.ID != b.ID || a.Method != b.Method || a.Path != b.Path || a.Times != b.Times || a.After != b.After || a.Every != b.Every || a.P != b.P {
		return false
	}
	return slices.Equal(a.Conditions, b.Conditions) && slices.Equal(a.Actions, b.Actions)
}
