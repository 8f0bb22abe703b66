package jsonscan

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The property tests that compare these scanners with encoding/json sit
// with their callers (contracts/scan_test.go, mock/jsonscan_test.go), on
// the inputs each reads; these rows pin the primitives alone.

func TestNumber(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"0", "-0", "40001", "1.5", "1e3", "1E+2", "-1.5e-3", "01", "1.", "-", "1e", ".5", "+1", "1.e2"} {
		end := Number([]byte(in), 0)
		valid := json.Valid([]byte(in))
		if valid {
			assert.Equal(t, len(in), end, "%q is a number", in)
		} else {
			assert.NotEqual(t, len(in), end, "%q is not a number", in)
		}
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"abc"`, `"a\nb"`, `""`, `"\u00e9"`, "\"\xff\"", `1`, `null`, `{}`, `"`} {
		got, verbatim, ok := String([]byte(in))
		var want string
		wantOK := json.Unmarshal([]byte(in), &want) == nil && in[0] == '"'
		assert.Equal(t, wantOK, ok, in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, ok && got == in[1:len(in)-1], verbatim, "%s: verbatim only when the bytes are the value", in)
	}
}
