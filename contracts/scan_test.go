package contracts

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/fixtures"
)

// TestParseErrorBodyFastPath pins that the typical bodies take the fast path
// (the benchmark measures it) and that it finds exactly what the general
// path finds.
func TestParseErrorBodyFastPath(t *testing.T) {
	t.Parallel()
	for _, s := range DefaultCatalog().Errors() {
		golden, _ := fixtures.Golden(s.Code)
		for _, body := range [][]byte{golden, s.Example} {
			var f bodyFields
			assert.True(t, f.scanFlat(bytes.TrimSpace(body)), "%d: %s", s.Code, body)
			assertSameAsGeneralPath(t, body)
		}
	}
	for _, body := range []string{
		`{}`, ` { "status" : "400 X" , "errorCode" : -0 , "message" : "" } `, `{"errorCode":0}`, `{"errorCode":1E+2}`,
		`{"a":1,"a":2}`, `{"errorCode":01}`, `{"errorCode":1.}`, `{"errorCode":-}`, `{"errorCode":1e}`, `{"x":"\u00e9"}`,
		"{\"x\":\"\x7f\"}", "{\"x\":\"\x01\"}", `{"x":1,}`, `{,}`, `{"x"}`, `{"x":}`, `{"x":1 "y":2}`, `{"x":1}}`, `{"x":"a`,
		`{"status":"400 X","errorCode":40001,"message":"m","reference":null}`, `{"é":1}`, `{"\u0073tatus":"400 X"}`,
	} {
		assertSameAsGeneralPath(t, []byte(body))
	}
}

// TestParseErrorBodyFastPathProperty compares the two paths on generated
// bodies: flat objects of every shape the fast path accepts, and near
// misses it must hand to the general path.
func TestParseErrorBodyFastPathProperty(t *testing.T) {
	t.Parallel()
	space := rapid.SampledFrom([]string{"", "", " ", "\n  ", "\t", "\r\n"})
	key := rapid.OneOf(
		rapid.SampledFrom([]string{`"status"`, `"errorCode"`, `"message"`, `"reference"`, `"traceId"`, `"Status"`, `""`, `"st\u0061tus"`, `"é"`, `"a b"`}),
		rapid.Map(rapid.StringOf(rapid.RuneFrom(nil, unicode.ASCII_Hex_Digit, unicode.L)), strconv.Quote),
	)
	value := rapid.OneOf(
		rapid.SampledFrom([]string{`"400 ParameterValidation"`, `"40001"`, `40001`, `40001.0`, `4.0001e4`, `-1`, `-0`, `0`, `1E+2`, `null`, `true`, `{}`, `[1]`, `""`, `"\u00e9"`, `"a\"b"`}),
		rapid.Map(rapid.Int64(), func(n int64) string { return strconv.FormatInt(n, 10) }),
		rapid.Map(rapid.Float64(), func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }),
		rapid.Map(rapid.String(), func(s string) string { b, _ := json.Marshal(s); return string(b) }),
		rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return `"` + string(b) + `"` }),
	)
	body := rapid.Custom(func(t *rapid.T) []byte {
		var b strings.Builder
		b.WriteString(space.Draw(t, "lead") + "{")
		n := rapid.IntRange(0, 6).Draw(t, "fields")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(space.Draw(t, "ws") + key.Draw(t, "key") + space.Draw(t, "ws") + ":" + space.Draw(t, "ws") + value.Draw(t, "value") + space.Draw(t, "ws"))
		}
		b.WriteString("}" + space.Draw(t, "trail"))
		out := []byte(b.String())
		if rapid.Bool().Draw(t, "mutate") && len(out) > 0 {
			i := rapid.IntRange(0, len(out)-1).Draw(t, "at")
			switch rapid.IntRange(0, 2).Draw(t, "how") {
			case 0:
				out = append(out[:i], out[i+1:]...)
			case 1:
				out[i] = rapid.Byte().Draw(t, "byte")
			case 2:
				out = append(out[:i], append([]byte{rapid.Byte().Draw(t, "byte")}, out[i:]...)...)
			}
		}
		return out
	})
	rapid.Check(t, func(t *rapid.T) {
		for _, b := range rapid.SliceOfN(body, 20, 20).Draw(t, "bodies") {
			assertSameAsGeneralPath(t, b)
		}
	})
}

// assertSameAsGeneralPath checks ParseErrorBody against the general path
// alone (decodeFields then fill), for a body under the size cap.
func assertSameAsGeneralPath(t require.TestingT, body []byte) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	want := &APIError{Raw: body}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return
	}
	var f bodyFields
	if want.decodeFields(trimmed, &f) {
		want.fill(&f)
	}
	var fast bodyFields
	if fast.scanFlat(trimmed) {
		require.Equal(t, f, fast, "fast path fields for %q", body)
	}
	require.Equal(t, want, ParseErrorBody(body), "ParseErrorBody(%q)", body)
}
