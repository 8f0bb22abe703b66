package contracts

import "unicode/utf8"

// scanFlat is the fast path for the common shape of an error body: one JSON
// object whose keys are printable ASCII without escapes and whose values are
// numbers or strings without escapes, each key once. It fills f and returns
// true only for such a body, which is then valid JSON whose fields decode to
// exactly what the general path would find; anything else returns false and
// goes to decodeFields.
func (f *bodyFields) scanFlat(b []byte) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if c := b[j]; c < 0x20 || c >= 0x7f || c == '\\' {
				return false
			}
			j++
		}
		if j >= len(b) {
			return false
		}
		name := b[i+1 : j]
		i = skipSpace(b, j+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		start := i
		switch {
		case i >= len(b):
			return false
		case b[i] == '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if c := b[j]; c < 0x20 || c == '\\' {
					return false
				}
				j++
			}
			if j >= len(b) || !utf8.Valid(b[i+1:j]) {
				return false
			}
			i = j + 1
		case b[i] == '-' || isDigit(b[i]):
			if i = scanNumber(b, i); i < 0 {
				return false
			}
		default:
			return false // literals, objects and arrays: the general path
		}
		if !f.set(name, b[start:i]) {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// skipSpace skips JSON white space from b[i].
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scanNumber returns the end of the JSON number starting at b[i], or -1
// when none starts there (RFC 8259 section 6).
func scanNumber(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1
	case b[i] == '0':
		i++
	case isDigit(b[i]):
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return -1
	}
	digits := func() bool {
		d := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		return i > d
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return -1
		}
	}
	return i
}
