package fuzz

import (
	"fmt"
	"testing"

	"github.com/vcheck/vcheck/contracts"
)

// FuzzParseStatus: ParseStatus never panics, and a status it accepts is
// exactly "%03d %s" of what it returns.
func FuzzParseStatus(f *testing.F) {
	f.Add("400 ParameterValidation")
	f.Add("099 X")
	f.Add("600 X")
	f.Add("4OO X")
	f.Fuzz(func(t *testing.T, s string) {
		code, typ, err := contracts.ParseStatus(s)
		if err != nil {
			if code != 0 || typ != "" {
				t.Fatalf("ParseStatus(%q) failed but returned %d %q", s, code, typ)
			}
			return
		}
		if code < 100 || code > 599 || typ == "" {
			t.Fatalf("ParseStatus(%q) = %d %q", s, code, typ)
		}
		again := fmt.Sprintf("%03d %s", code, typ)
		if again != s {
			t.Fatalf("ParseStatus(%q) = %d %q, which renders as %q", s, code, typ, again)
		}
		code2, typ2, err := contracts.ParseStatus(again)
		if err != nil || code2 != code || typ2 != typ {
			t.Fatalf("ParseStatus(%q) = %d %q %v, want %d %q", again, code2, typ2, err, code, typ)
		}
	})
}
