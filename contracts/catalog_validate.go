package contracts

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	typeName = regexp.MustCompile(`^[A-Z][A-Za-z]*$`)
	e164     = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// IsE164 reports whether s is an E.164 number as the API takes it: a plus,
// a non-zero first digit and 7 to 15 digits in all.
func IsE164(s string) bool { return e164.MatchString(s) }

func (c *Catalog) validate() error {
	if c.data.Schema != 1 {
		return &CatalogError{Field: "schema", Problem: fmt.Sprintf("version %d; this vcheck reads version 1", c.data.Schema)}
	}
	if len(c.data.Errors) == 0 {
		return &CatalogError{Field: "errors", Problem: "no error entries"}
	}
	c.byCode = make(map[int]int, len(c.data.Errors))
	magic := map[string]int{}
	for i := range c.data.Errors {
		s := &c.data.Errors[i]
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
	for i, e := range c.data.Errata {
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
		case !slices.Contains(erratumChecks, e.Check):
			return bad("check", "unknown check %q (want one of %s)", e.Check, joinKinds(erratumChecks))
		case e.Check == CheckSigningExample && c.signingExample(e.Example) == nil:
			return bad("example", "no signing example named %q", e.Example)
		}
		for _, code := range e.Codes {
			if _, ok := c.byCode[code]; !ok {
				return bad("codes", "code %d is not in the catalog", code)
			}
		}
		ids[e.ID] = true
	}
	for i, s := range c.data.SigningExamples {
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

// joinKinds lists kinds for a message: "a, b, c".
func joinKinds[K ~string](kinds []K) string {
	var b strings.Builder
	for i, k := range kinds {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(k))
	}
	return b.String()
}
