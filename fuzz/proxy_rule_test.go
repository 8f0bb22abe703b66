package fuzz

import (
	"reflect"
	"testing"

	"github.com/vcheck/vcheck/proxy"
)

// FuzzRuleParse: ParseRule never panics; a rule it accepts prints (String)
// as a text that parses back to the same rule, and printing is stable.
func FuzzRuleParse(f *testing.F) {
	f.Add(`flaky: * /verification/v1/... => sinch(50300) times=2`)
	f.Add(`GET /verification/v1/verifications/id/* => status(502), body(html)`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := proxy.ParseRule(s)
		if err != nil {
			return
		}
		text := r.String()
		again, err := proxy.ParseRule(text)
		if err != nil {
			t.Fatalf("ParseRule(%q) ok, but its String %q fails: %v", s, text, err)
		}
		if !reflect.DeepEqual(r, again) {
			t.Fatalf("ParseRule(%q) = %#v\nParseRule(String) = %#v", s, r, again)
		}
		if again.String() != text {
			t.Fatalf("String unstable: %q then %q", text, again.String())
		}
	})
}
