package mock

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckNumber(t *testing.T) {
	t.Parallel()
	rows := []struct {
		n    string
		code int // 0: valid
	}{
		{"+447700900123", 0},
		{"+1234567", 0},         // 7 digits, the shortest
		{"+123456789012345", 0}, // 15 digits, the longest
		{"+123456", 40003},      // 6 digits
		{"+1234567890123456", 40003},
		{"+0447700900123", 40003},
		{"+2807700900", 40003},
		{"+2897700900", 40003},
		{"+2917700900", 0}, // 291 Eritrea
		{"+2927700900", 40003},
		{"+2967700900", 40003},
		{"+2977700900", 0}, // 297 Aruba
		{"+", 40003},
		{"++447700900123", 40003},
		{"+44 7700900123", 40003},
		{"+44\u0660", 40003},
		{"447700900123", 40005},
		{"00447700900123", 40005},
		{"0", 40005},
		{"", 40003},
		{"abc", 40003},
		{"44-77", 40003},
	}
	for _, row := range rows {
		assert.Equal(t, row.code, checkNumber(row.n).code, "%q", row.n)
	}
}

func TestValidCodeIsTheDocumentedPattern(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^[A-Za-z0-9-]{1,10}$`)
	for _, c := range []string{"", "1", "1234", "abcdEFGH-9", "abcdEFGH-90", "12_4", "12 4", "1234\n", "\u0430", "\uff11", "----------", "ä"} {
		assert.Equal(t, re.MatchString(c), validCode(c), "%q", c)
	}
}

// TestKnownValuesDecodeAsStringValue: the values known returns without a
// copy are what stringValue decodes, and an escaped spelling of one is
// left to stringValue.
func TestKnownValuesDecodeAsStringValue(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"number", "sms", "flashcall", "flashCall", "callout", "seamless", "whatsapp"} {
		raw := []byte(`"` + v + `"`)
		got, ok := known(raw)
		want, _ := stringValue(raw)
		assert.True(t, ok, v)
		assert.Equal(t, want, got, v)
		_, isMethod := parseMethod(got)
		assert.True(t, isMethod || got == "number", "%s is a method or the identity type", got)
	}
	for _, raw := range []string{`"numb\u0065r"`, `"SMS"`, `""`, `"sms "`, `sms`, `"phonecall"`} {
		_, ok := known([]byte(raw))
		assert.False(t, ok, raw)
	}
}
