package mock

import "github.com/vcheck/vcheck/internal/jsonscan"

// The mock reads request bodies with internal/jsonscan, which the
// error-body parser of contracts shares: no reflection and no map of
// encoding/json on every request's path, the same answers as encoding/json
// (jsonscan_test.go compares them).

// fields is a JSON object's members in order. get returns the last member
// with a key, as encoding/json does for a map, and matches keys exactly
// (encoding/json would fold case for a struct).
type fields jsonscan.Members

func (f fields) get(key string) ([]byte, bool) { return jsonscan.Members(f).Get(key) }

// parseObject reads a JSON object's members; ok is false for anything but
// one valid JSON object.
func parseObject(b []byte) (fields, bool) {
	m, ok := jsonscan.Object(b)
	return fields(m), ok
}

// stringValue decodes a raw JSON string as encoding/json does; ok is false
// for another JSON type.
func stringValue(raw []byte) (string, bool) {
	s, _, ok := jsonscan.String(raw)
	return s, ok
}
