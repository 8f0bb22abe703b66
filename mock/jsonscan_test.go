package mock

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/internal/jsonscan"
)

// agreesWithEncodingJSON checks parseObject against encoding/json decoding
// into a map: the same inputs are objects, with the same keys (last one
// wins) and the same raw values.
func agreesWithEncodingJSON(t interface {
	Helper()
	Fatalf(string, ...any)
}, b []byte) {
	t.Helper()
	var want map[string]json.RawMessage
	err := json.Unmarshal(b, &want)
	isObject := err == nil && want != nil
	got, ok := parseObject(b)
	if ok != isObject {
		t.Fatalf("%q: parseObject ok=%v, encoding/json object=%v (%v)", b, ok, isObject, err)
	}
	if !ok {
		return
	}
	members, _ := jsonscan.Object(got)
	keys := map[string]bool{}
	for _, m := range members {
		keys[m.Key] = true
	}
	if len(keys) != len(want) {
		t.Fatalf("%q: %d distinct keys, encoding/json %d", b, len(keys), len(want))
	}
	for k, raw := range want {
		v, found := got.get(k)
		if !found || !bytes.Equal(v, bytes.TrimSpace(raw)) {
			t.Fatalf("%q: key %q: got %q (found %v), encoding/json %q", b, k, v, found, raw)
		}
		// nestedObject skips the validation parseObject did: on a member
		// of a valid body it must answer exactly what parseObject does.
		n1, nok1 := nestedObject(v)
		n2, nok2 := parseObject(v)
		if nok1 != nok2 || !bytes.Equal(n1, n2) {
			t.Fatalf("%q: key %q: nestedObject %q %v, parseObject %q %v", b, k, n1, nok1, n2, nok2)
		}
		if nok1 {
			agreesWithEncodingJSON(t, v) // and its lookups agree too
		}
		s1, ok1 := stringValue(v)
		var s2 string
		ok2 := json.Unmarshal(raw, &s2) == nil && len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '"'
		if ok1 != ok2 || s1 != s2 {
			t.Fatalf("%q: key %q: stringValue %q %v, encoding/json %q %v", b, k, s1, ok1, s2, ok2)
		}
	}
}

func TestParseObjectTable(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		``, ` `, `{}`, ` { } `, `{"a":1}`, `{"a":1,"a":2}`, `{"a":"x\"y"}`, `{"a\u0062":"c"}`,
		`{"a":{"b":[1,{"c":"}"}]},"d":null}`, `{"a":true,"b":false,"c":-1.5e3}`, `[]`, `null`, `"x"`, `1`,
		`{"a":1}x`, `{"a":1,}`, `{"a"}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}", "{\"\xff\":1}", `{"A":1,"a":2}`,
		`{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms"}`,
		"{\n\t\"a\" : [ ] ,\r\n \"b\" : { } }",
	} {
		t.Run(in, func(t *testing.T) { agreesWithEncodingJSON(t, []byte(in)) })
	}
}

func TestParseObjectAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	tokens := []string{`{`, `}`, `[`, `]`, `:`, `,`, ` `, `"a"`, `"b"`, `"a\"b"`, `"\u00e9"`, `"é"`, `1`, `-0.5`, `true`, `null`, `"`, `\`, "\xff"}
	rapid.Check(t, func(t *rapid.T) {
		parts := rapid.SliceOfN(rapid.SampledFrom(tokens), 0, 24).Draw(t, "tokens")
		agreesWithEncodingJSON(t, []byte(strings.Join(parts, "")))
	})
	rapid.Check(t, func(t *rapid.T) {
		// well-formed objects, which random tokens rarely are
		n := rapid.IntRange(0, 5).Draw(t, "members")
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			k, _ := json.Marshal(rapid.SampledFrom([]string{"a", "b", "A", "é", `"`, "identity"}).Draw(t, "key"))
			v := rapid.SampledFrom([]string{`1`, `"x"`, `"y\\n"`, `{"c":[1,"]"]}`, `null`, `[]`, `{}`, `false`}).Draw(t, "value")
			b.WriteString(rapid.SampledFrom([]string{"", " ", "\n"}).Draw(t, "ws") + string(k) + ":" + v)
		}
		b.WriteString("}")
		agreesWithEncodingJSON(t, []byte(b.String()))
	})
}

func TestStringValue(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"abc"`, `"a\nb"`, `""`, `"\u00e9"`, "\"\xff\"", `1`, `null`, `{}`} {
		got, ok := stringValue([]byte(in))
		var want string
		wantOK := json.Unmarshal([]byte(in), &want) == nil && in[0] == '"'
		assert.Equal(t, wantOK, ok, in)
		assert.Equal(t, want, got, in)
	}
}
