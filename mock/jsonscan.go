package mock

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// member is one member of a JSON object: its key and its raw value.
type member struct {
	key string
	raw []byte
}

// fields is a JSON object's members in order. Lookup returns the last
// member with a key, as encoding/json does for a map, and matches keys
// exactly (encoding/json would fold case for a struct).
type fields []member

func (f fields) get(key string) ([]byte, bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].key == key {
			return f[i].raw, true
		}
	}
	return nil, false
}

// parseObject reads a JSON object's members without the reflection and the
// map of encoding/json: the mock's request bodies are small and this is on
// every request's path. ok is false for anything but one valid JSON object
// (json.Valid decides validity); a key with escapes is decoded by
// encoding/json, so the keys are exactly what it would find.
func parseObject(b []byte) (f fields, ok bool) {
	if !json.Valid(b) {
		return nil, false
	}
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i = skipWS(b, i+1)
	if b[i] == '}' {
		return fields{}, true
	}
	f = make(fields, 0, 4)
	for {
		end := skipString(b, i)
		key := b[i:end]
		var k string
		if bytes.IndexByte(key, '\\') < 0 && utf8.Valid(key) {
			k = string(key[1 : len(key)-1])
		} else if json.Unmarshal(key, &k) != nil {
			return nil, false
		}
		i = skipWS(b, end)
		i = skipWS(b, i+1) // the colon
		vend := skipValue(b, i)
		f = append(f, member{k, b[i:vend]})
		i = skipWS(b, vend)
		if b[i] == '}' {
			return f, true
		}
		i = skipWS(b, i+1) // the comma
	}
}

// The skips below trust their input: parseObject has checked it is valid
// JSON, so every string closes and every bracket matches.

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that opens at b[i].
func skipString(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// skipValue returns the index after the value that starts at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(b) && !(b[i] == ',' || b[i] == '}' || b[i] == ']' || b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++ // a number or a literal
	}
	return i
}

// stringValue decodes a raw JSON string as encoding/json does; ok is false
// for another JSON type.
func stringValue(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}
