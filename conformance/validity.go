package conformance

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// bodyViolation is one way a request breaks the documented request rules,
// with the codes the documentation gives for it.
type bodyViolation struct {
	codes  []int
	reason string
}

// documentedMethods are the verification methods of the API surface
// (facts.md section 3; flashCall per erratum 13).
var documentedMethods = []string{"sms", "flashcall", "flashCall", "callout", "seamless", "whatsapp"}

// bodyViolations judges a request's body by the documented rules alone
// (facts.md section 3 and the catalog's messages), independently of the
// generators, so that the tests can show each case has exactly the defect
// it claims. It knows the start and report bodies; other requests have no
// body rules.
func bodyViolations(r Request) []bodyViolation {
	switch {
	case r.Method == http.MethodPost && r.Path == pathStart:
		return startViolations(r.Body)
	case r.Method == http.MethodPut && (strings.HasPrefix(r.Path, pathByID) || strings.HasPrefix(r.Path, pathByNumber)):
		return reportViolations(r.Body)
	}
	return nil
}

func decodeObject(body []byte) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// stringParam reads a required string parameter: "" and ok=false when it is
// missing, null, empty or not a string.
func stringParam(m map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := m[key]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil || s == "" {
		return "", false
	}
	return s, true
}

func startViolations(body []byte) []bodyViolation {
	m, ok := decodeObject(body)
	if !ok {
		return []bodyViolation{{[]int{40002}, "the body is not a JSON object"}}
	}
	var out []bodyViolation
	missing := func(name string) { out = append(out, bodyViolation{[]int{40002}, name + " is missing"}) }
	identity, ok := decodeObject(m["identity"])
	if !ok {
		missing("identity")
	} else {
		if _, ok := stringParam(identity, "type"); !ok {
			missing("identity.type")
		}
		if endpoint, ok := stringParam(identity, "endpoint"); !ok {
			missing("identity.endpoint")
		} else if v, bad := numberViolation(endpoint); bad {
			out = append(out, v)
		}
	}
	if method, ok := stringParam(m, "method"); !ok {
		missing("method")
	} else if !slices.Contains(documentedMethods, method) {
		out = append(out, bodyViolation{nil, "method " + method + " is not documented"})
	}
	return out
}

// numberViolation judges an endpoint by E.164: a '+', a country code that
// exists, 7 to 15 digits in all (40003 otherwise), and 40005 for digits
// without the plus.
func numberViolation(n string) (bodyViolation, bool) {
	digitsOnly := func(s string) bool {
		return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	}
	if !strings.HasPrefix(n, "+") {
		if digitsOnly(n) {
			return bodyViolation{[]int{40005}, "no leading plus"}, true
		}
		return bodyViolation{[]int{40003}, "not a number"}, true
	}
	d := n[1:]
	switch {
	case !digitsOnly(d):
		return bodyViolation{[]int{40003}, "not only digits after the plus"}, true
	case len(d) < 7 || len(d) > 15:
		return bodyViolation{[]int{40003}, "not 7 to 15 digits"}, true
	}
	for _, cc := range impossibleCountryCodes {
		if strings.HasPrefix(d, cc) {
			return bodyViolation{[]int{40003}, "no country has the code " + cc}, true
		}
	}
	return bodyViolation{}, false
}

func reportViolations(body []byte) []bodyViolation {
	m, ok := decodeObject(body)
	if !ok {
		return []bodyViolation{{[]int{40002}, "the body is not a JSON object"}}
	}
	method, ok := stringParam(m, "method")
	if !ok {
		return []bodyViolation{{[]int{40002}, "method is missing"}}
	}
	sub, ok := decodeObject(m[method])
	if !ok {
		return []bodyViolation{{[]int{40002}, method + " is missing"}}
	}
	raw, present := sub["code"]
	if !present || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return []bodyViolation{{[]int{40002}, "the code is missing"}}
	}
	var code string
	if json.Unmarshal(raw, &code) != nil {
		return []bodyViolation{{[]int{40001}, "the code is not a string"}}
	}
	if code == "" {
		return []bodyViolation{{[]int{40001, 40002}, "the code is empty"}}
	}
	var out []bodyViolation
	if utf8.RuneCountInString(code) > maxReportCode {
		out = append(out, bodyViolation{[]int{40001}, "the code is longer than 10 characters"})
	}
	if strings.ContainsFunc(code, func(r rune) bool { return !strings.ContainsRune(reportCodeAlphabet, r) }) {
		out = append(out, bodyViolation{[]int{40001}, "the code has a character outside A-Z a-z 0-9 '-'"})
	}
	return out
}
