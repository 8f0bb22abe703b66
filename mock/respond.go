package mock

import (
	"encoding/json"
	"net/http"

	"github.com/vcheck/vcheck/contracts"
)

const contentTypeJSON = "application/json"

// errorAnswer is an error response about to be written.
type errorAnswer struct {
	status int
	// contentType is the header's value; nil sends the header empty, and
	// so no Content-Type at all (net/http would sniff one were it absent).
	contentType []string
	body        []byte
}

// errorAnswers holds the documented answer of each code, encoded once: an
// error answer costs a map lookup and no encoding.
type errorAnswers map[int]errorAnswer

func newErrorAnswers(cat *contracts.Catalog, contentType []string) errorAnswers {
	a := make(errorAnswers, len(cat.Errors()))
	for _, s := range cat.Errors() {
		a[s.Code] = errorAnswer{status: s.HTTPStatus, contentType: contentType, body: s.Body("")}
	}
	return a
}

// fail answers the documented error code with the documented message, or
// with msg when it is not empty (40002 names the missing parameter).
func (s *Server) fail(w http.ResponseWriter, code int, msg string) {
	a, ok := s.answers[code]
	if !ok { // New checked the codes the mock answers; a magic code is in the catalog by definition
		code, msg = 50000, ""
		a = s.answers[code]
	}
	if msg != "" || s.hooks.errorAnswer != nil {
		spec, _ := s.cfg.Catalog.Lookup(code)
		if msg != "" {
			a.body = spec.Body(msg)
		}
		if s.hooks.errorAnswer != nil {
			a = s.hooks.errorAnswer(a, spec, code, msg)
		}
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
