package mock

import (
	"encoding/json"
	"net/http"

	"github.com/vcheck/vcheck/contracts"
)

const contentTypeJSON = "application/json"

// errorBodies holds the documented body of each code, computed once.
type errorBodies map[int][]byte

func newErrorBodies(cat *contracts.Catalog) errorBodies {
	b := make(errorBodies, len(cat.Errors))
	for _, s := range cat.Errors {
		b[s.Code] = s.Body("")
	}
	return b
}

// errorAnswer is an error response about to be written.
type errorAnswer struct {
	status int
	// contentType is the header's value; nil sends the header empty, and
	// so no Content-Type at all (net/http would sniff one were it absent).
	contentType []string
	body        []byte
}

// fail answers the documented error code with the documented message, or
// with msg when it is not empty (40002 names the missing parameter).
func (s *Server) fail(w http.ResponseWriter, code int, msg string) {
	spec, ok := s.cfg.Catalog.Lookup(code)
	if !ok { // New checked the codes the mock answers; a magic code is in the catalog by definition
		spec, _ = s.cfg.Catalog.Lookup(50000)
		msg = ""
	}
	a := errorAnswer{status: spec.HTTPStatus, contentType: s.contentType}
	if msg == "" {
		a.body = s.bodies[code]
	} else {
		a.body = spec.Body(msg)
	}
	if s.hooks.errorAnswer != nil {
		a = s.hooks.errorAnswer(a, spec, code, msg)
	}
	w.Header()["Content-Type"] = a.contentType
	w.WriteHeader(a.status) // net/http adds Content-Length: the body is small
	_, _ = w.Write(a.body)
}

// ok answers 200 with a JSON body.
func (s *Server) ok(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil { // the success bodies are plain structs: never happens
		s.fail(w, 50000, "")
		return
	}
	w.Header()["Content-Type"] = s.contentType
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
