package conformance

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// The documented API surface (facts.md section 3).
const (
	pathStart       = "/verification/v1/verifications"
	pathByID        = "/verification/v1/verifications/id/"
	pathByNumber    = "/verification/v1/verifications/number/"
	pathByReference = "/verification/v1/verifications/reference/"
	contentJSON     = "application/json"
)

// null is a JSON null inside an obj.
type null struct{}

// field is one member of an obj; val is a string, null, or an obj.
type field struct {
	key string
	val any
}

// obj is a JSON object that keeps its member order, so that a body's bytes
// depend only on the draw.
type obj []field

// with returns a copy of o with the member at path set to v (appended when
// absent).
func (o obj) with(path []string, v any) obj {
	out := make(obj, len(o))
	copy(out, o)
	for i, f := range out {
		if f.key != path[0] {
			continue
		}
		if len(path) == 1 {
			out[i].val = v
			return out
		}
		if sub, ok := f.val.(obj); ok {
			out[i].val = sub.with(path[1:], v)
		}
		return out
	}
	if len(path) == 1 {
		return append(out, field{path[0], v})
	}
	return out
}

// without returns a copy of o without the member at path.
func (o obj) without(path []string) obj {
	out := make(obj, 0, len(o))
	for _, f := range o {
		switch {
		case f.key != path[0]:
			out = append(out, f)
		case len(path) > 1:
			if sub, ok := f.val.(obj); ok {
				out = append(out, field{f.key, sub.without(path[1:])})
			} else {
				out = append(out, f)
			}
		}
	}
	return out
}

func (o obj) encode() []byte {
	var b bytes.Buffer
	o.write(&b)
	return b.Bytes()
}

func (o obj) write(b *bytes.Buffer) {
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, f.key)
		b.WriteByte(':')
		switch v := f.val.(type) {
		case string:
			writeString(b, v)
		case obj:
			v.write(b)
		default:
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
}

// writeString writes s as a JSON string without HTML escaping, so that the
// bytes sent are the ones a client would send.
func writeString(b *bytes.Buffer, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// startBody is a documented start request body.
func startBody(number, method, reference string) obj {
	o := obj{{"identity", obj{{"type", "number"}, {"endpoint", number}}}, {"method", method}}
	if reference != "" {
		o = append(o, field{"reference", reference})
	}
	return o
}

// reportBody is a documented report body for a code-based method.
func reportBody(method, code string) obj {
	return obj{{"method", method}, {method, obj{{"code", code}}}}
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {contentJSON}} }

// post, put and get build requests with the default authentication.
func post(path string, body obj, auth Auth) Request {
	return Request{Method: http.MethodPost, Path: path, Header: jsonHeader(), Body: body.encode(), Auth: auth}
}

func put(path string, body obj, auth Auth) Request {
	return Request{Method: http.MethodPut, Path: path, Header: jsonHeader(), Body: body.encode(), Auth: auth}
}

func get(path string, auth Auth) Request {
	return Request{Method: http.MethodGet, Path: path, Header: http.Header{}, Auth: auth}
}
