package mock

import (
	"encoding/json"

	"github.com/vcheck/vcheck/internal/jsonscan"
)

// The mock reads request bodies with internal/jsonscan, which the
// error-body parser of contracts shares: no reflection and no map of
// encoding/json on every request's path, the same answers as encoding/json
// (jsonscan_test.go compares them).

// fields is a JSON object as sent, already validated; get looks a member
// up in it without building a list of members. get returns the last member
// with a key, as encoding/json does for a map, and matches keys exactly
// (encoding/json would fold case for a struct). The zero value has no
// members.
type fields []byte

func (f fields) get(key string) ([]byte, bool) {
	if len(f) == 0 {
		return nil, false
	}
	return jsonscan.Lookup(f, key)
}

// parseObject returns b as fields; ok is false for anything but one valid
// JSON object.
func parseObject(b []byte) (fields, bool) {
	if !json.Valid(b) {
		return nil, false
	}
	return nestedObject(b)
}

// nestedObject returns raw, a member of fields that parseObject returned,
// as fields without validating again what it validated; ok is false when
// raw is not an object.
func nestedObject(raw []byte) (fields, bool) {
	if i := jsonscan.SkipSpace(raw, 0); i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	return fields(raw), true
}

// stringValue decodes a raw JSON string as encoding/json does; ok is false
// for another JSON type.
func stringValue(raw []byte) (string, bool) {
	s, _, ok := jsonscan.String(raw)
	return s, ok
}
