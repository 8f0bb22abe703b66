package mock

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/contracts"
)

const contentTypeJSON = "application/json"

// gatewayPage is what the html-error-page drift sends: a proxy's page, not
// the API's.
const gatewayPage = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n"

// errorBodies holds the documented body of each code, computed once.
type errorBodies map[int][]byte

func newErrorBodies(cat *contracts.Catalog) errorBodies {
	b := make(errorBodies, len(cat.Errors()))
	for _, s := range cat.Errors() {
		b[s.Code] = s.Body("")
	}
	return b
}

// fail answers the documented error code with the documented message, or
// with msg when it is not empty (40002 names the missing parameter).
func (s *Server) fail(w http.ResponseWriter, code int, msg string) {
	spec, ok := s.cfg.Catalog.Lookup(code)
	if !ok { // New checked the codes the mock answers; a magic code is in the catalog by definition
		spec, _ = s.cfg.Catalog.Lookup(50000)
		msg = ""
	}
	status := spec.HTTPStatus
	h := w.Header()
	switch s.cfg.Drift {
	case driftHTMLErrorPage:
		h.Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(gatewayPage))
		return
	case driftWrongHTTPStatus:
		status = http.StatusBadRequest
		if spec.HTTPStatus == http.StatusBadRequest {
			status = http.StatusUnprocessableEntity
		}
	case driftWrongCode:
		if code == 40005 {
			msg = strings.Join(spec.Messages, " / ")
			spec.Code = 40002
		}
	}
	var body []byte
	switch {
	case s.cfg.Drift == driftCodeAsString || s.cfg.Drift == driftWrongStatusString || s.cfg.Drift == driftEmptyMessage || s.cfg.Drift == driftWrongCode:
		body = s.driftBody(spec, msg)
	case msg == "":
		body = s.bodies[code]
	default:
		body = spec.Body(msg)
	}
	if s.cfg.Drift == driftNoContentType {
		h["Content-Type"] = nil // nil, not absent: net/http would sniff one
	} else {
		h["Content-Type"] = s.contentType
	}
	w.WriteHeader(status) // net/http adds Content-Length: the body is small
	_, _ = w.Write(body)
}

// driftBody is an error body changed by a body drift.
func (s *Server) driftBody(spec contracts.Spec, msg string) []byte {
	if msg == "" {
		msg = strings.Join(spec.Messages, " / ")
	}
	var code any = spec.Code
	status := spec.Status
	switch s.cfg.Drift {
	case driftCodeAsString:
		code = strconv.Itoa(spec.Code)
	case driftWrongStatusString:
		status = strconv.Itoa(spec.HTTPStatus) + " " + strings.ReplaceAll(http.StatusText(spec.HTTPStatus), " ", "")
	case driftEmptyMessage:
		msg = ""
	}
	b, _ := json.Marshal(struct {
		Status    string `json:"status"`
		ErrorCode any    `json:"errorCode"`
		Message   string `json:"message"`
	}{status, code, msg})
	return b
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
