// Package jsonscan is the hand-written JSON scanning that vcheck's hot
// paths share: the error-body parser of contracts reads flat objects with
// Flat, the mock reads request bodies with Object. Both stand in for
// encoding/json where its reflection and maps cost too much, and both
// agree with it exactly (each caller's property tests compare them).
//
// It imports the standard library only and knows nothing of vcheck.
package jsonscan

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// SkipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// IsDigit reports whether c is an ASCII digit.
func IsDigit(c byte) bool { return '0' <= c && c <= '9' }

// Number returns the end of the JSON number starting at b[i], or -1 when
// none starts there (RFC 8259 section 6).
func Number(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1
	case b[i] == '0':
		i++
	case IsDigit(b[i]):
		for i < len(b) && IsDigit(b[i]) {
			i++
		}
	default:
		return -1
	}
	digits := func() bool {
		d := i
		for i < len(b) && IsDigit(b[i]) {
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

// Flat reads b when it is one JSON object in the common shape of an error
// body: keys of printable ASCII without escapes, values that are numbers or
// strings without escapes. It calls field for each member in order, name
// and raw value as slices of b, and stops when field returns false. It
// returns true only when b is such an object and field accepted every
// member: b is then valid JSON, and the members are exactly what
// encoding/json finds. Anything else returns false, for the caller's
// general path.
func Flat(b []byte, field func(name, raw []byte) bool) bool {
	i := SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return SkipSpace(b, i+1) == len(b)
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
		i = SkipSpace(b, j+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = SkipSpace(b, i+1)
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
		case b[i] == '-' || IsDigit(b[i]):
			if i = Number(b, i); i < 0 {
				return false
			}
		default:
			return false // literals, objects and arrays: the general path
		}
		if !field(name, b[start:i]) {
			return false
		}
		i = SkipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
		case '}':
			return SkipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// Member is one member of a JSON object: its key and its raw value.
type Member struct {
	Key string
	Raw []byte
}

// Members is a JSON object's members in order.
type Members []Member

// Get returns the last member with key, as encoding/json does for a map,
// matching keys exactly (encoding/json would fold case for a struct).
func (m Members) Get(key string) ([]byte, bool) {
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].Key == key {
			return m[i].Raw, true
		}
	}
	return nil, false
}

// Object reads a JSON object's members without the reflection and the map
// of encoding/json. ok is false for anything but one valid JSON object
// (json.Valid decides validity); a key with escapes is decoded by
// encoding/json, so the keys are exactly what it would find.
func Object(b []byte) (m Members, ok bool) {
	if !json.Valid(b) {
		return nil, false
	}
	return members(b)
}

// Lookup returns the raw value of the last member of obj named key, as
// Object(obj) followed by Get(key) would, without building the members: no
// allocation unless a key has escapes. obj must be valid JSON (one that
// Object accepted, or a value out of its Members); ok is false when obj is
// not an object or has no such member.
func Lookup(obj []byte, key string) (raw []byte, ok bool) {
	i := firstMember(obj)
	for i >= 0 {
		var k, v []byte
		k, v, i = member(obj, i)
		if keyIs(k, key) {
			raw, ok = v, true
		}
	}
	return raw, ok
}

// members reads the members of b, valid JSON, when it is an object.
func members(b []byte) (m Members, ok bool) {
	i := firstMember(b)
	switch i {
	case notObject:
		return nil, false
	case noMembers:
		return Members{}, true
	}
	m = make(Members, 0, 4)
	for i >= 0 {
		var k, v []byte
		k, v, i = member(b, i)
		key, ok := keyString(k)
		if !ok {
			return nil, false
		}
		m = append(m, Member{key, v})
	}
	return m, true
}

// What firstMember returns when there is no member to read.
const (
	noMembers = -1 // the object is {}
	notObject = -2 // the value is not an object
)

// firstMember returns the index of the first member's key in b, valid
// JSON, or noMembers or notObject.
func firstMember(b []byte) int {
	i := SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return notObject
	}
	i = SkipSpace(b, i+1)
	if b[i] == '}' {
		return noMembers
	}
	return i
}

// member reads the member whose key starts at b[i]: the key as written
// (quotes included), the value's bytes, and the index of the next member's
// key, or noMembers after the last one.
func member(b []byte, i int) (key, raw []byte, next int) {
	end := skipString(b, i)
	key = b[i:end]
	i = SkipSpace(b, end)
	i = SkipSpace(b, i+1) // the colon
	vend := skipValue(b, i)
	raw = b[i:vend]
	i = SkipSpace(b, vend)
	if b[i] == '}' {
		return key, raw, noMembers
	}
	return key, raw, SkipSpace(b, i+1) // after the comma
}

// keyString decodes a key as written, as encoding/json does: escapes and
// invalid UTF-8 go through encoding/json itself.
func keyString(key []byte) (string, bool) {
	if bytes.IndexByte(key, '\\') < 0 && utf8.Valid(key) {
		return string(key[1 : len(key)-1]), true
	}
	var k string
	return k, json.Unmarshal(key, &k) == nil
}

// keyIs reports whether a key as written decodes to want, without
// allocating for a plain key.
func keyIs(key []byte, want string) bool {
	if bytes.IndexByte(key, '\\') < 0 && utf8.Valid(key) {
		return string(key[1:len(key)-1]) == want
	}
	k, ok := keyString(key)
	return ok && k == want
}

// The skips below trust their input: Object has checked it is valid JSON,
// so every string closes and every bracket matches.

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

// String decodes a raw JSON string as encoding/json does; ok is false for
// another JSON type or an invalid string. verbatim is true when the value
// is the bytes between the quotes (no escapes, valid UTF-8).
func String(raw []byte) (s string, verbatim, ok bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false, false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true, true
	}
	var u string // not s: its address would put s on the heap on every call
	if json.Unmarshal(raw, &u) != nil {
		return "", false, false
	}
	return u, false, true
}
