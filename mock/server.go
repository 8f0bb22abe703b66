package mock

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/vcheck/vcheck/contracts"
)

// Server is the reference Verification API, an http.Handler. Its state
// (verifications, references, velocity entries) lives in the value: two
// Servers share nothing. A Server is safe for concurrent use.
type Server struct {
	cfg      Config
	verifier contracts.Verifier
	answers  errorAnswers
	magic    map[string]magicNumber
	state    *store
	// hooks are the drift mutant's, none for the faithful mock.
	hooks hooks
	// contentType is the header value of every answer, shared: net/http
	// only reads it.
	contentType []string
}

// New returns a mock configured by cfg. An error names the bad field; an
// unknown drift lists the valid names.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:         cfg,
		verifier:    contracts.Verifier{Credentials: cfg.Credentials, MaxSkew: cfg.MaxSkew, Now: cfg.Now},
		state:       newStore(cfg.MaxEntries),
		contentType: []string{contentTypeJSON},
	}
	s.answers = newErrorAnswers(cfg.Catalog, s.contentType)
	s.magic = newMagicNumbers(cfg.Catalog)
	if m, ok := mutantByName(cfg.Drift); ok {
		s.hooks = m.hooks
	}
	return s, nil
}

// ServeHTTP answers one request; see the package documentation for the
// order of the checks.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.hooks.before != nil && !s.hooks.before(s, r) {
		return
	}
	body, e := readBody(r)
	if e.code != 0 {
		s.fail(w, e.code, e.msg)
		return
	}
	if code := s.authenticate(r, body); code != 0 {
		s.fail(w, code, "")
		return
	}
	m := route(r.Method, r.URL.EscapedPath())
	if m.op == opNone {
		if m.allow != "" {
			w.Header().Set("Allow", m.allow)
		}
		s.fail(w, 40400, "")
		return
	}
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if e := checkContentType(r.Header[headerContentType]); e.code != 0 {
			s.fail(w, e.code, e.msg)
			return
		}
	}
	switch m.op {
	case opStart:
		s.start(w, r, body)
	case opReportByID, opReportByNumber:
		s.report(w, m, body)
	case opStatusByID:
		s.status(w, s.state.get, m.param)
	case opStatusByReference:
		s.status(w, s.state.reference, m.param)
	case opStatusByIdentity:
		if e := s.checkPathNumber(m.param); e.code != 0 {
			s.fail(w, e.code, e.msg)
			return
		}
		s.status(w, func(n string) (verification, bool) { return s.state.identity(n, m.method) }, m.param)
	}
}

// readBody reads at most MaxBodyBytes; a longer body is 40003.
func readBody(r *http.Request) ([]byte, reqError) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, reqError{}
	}
	size := 512
	if r.ContentLength > 0 && r.ContentLength <= MaxBodyBytes {
		size = int(r.ContentLength) + 1 // +1: room to see EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxBodyBytes {
			return nil, reqError{40003, fmt.Sprintf("Request body is larger than %d bytes.", MaxBodyBytes)}
		}
		if errors.Is(err, io.EOF) {
			return buf, reqError{}
		}
		if err != nil {
			return nil, reqError{40003, "Request body could not be read."}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// authenticate returns 0 for an authenticated request, else the code to
// answer (see the package documentation for the order).
func (s *Server) authenticate(r *http.Request, body []byte) int {
	// A second Authorization line is refused before Verify reads the
	// first: which credential the request means is not defined.
	if repeated(r.Header, headerAuthorization) {
		return 40100
	}
	_, err := s.verifier.Verify(r, body)
	err = ambiguousSignedHeaders(r, err)
	if err == nil {
		return 0
	}
	var ae *contracts.AuthError
	if !errors.As(err, &ae) {
		return 40100
	}
	code := authCode(ae.Failure)
	if s.hooks.authFailure != nil {
		code = s.hooks.authFailure(s, r, body, ae.Failure, code)
	}
	return code
}

// authCode is the documented code of a Verify failure.
func authCode(f contracts.AuthFailure) int {
	switch f {
	case contracts.FailureNoAuthorization:
		return 40104
	case contracts.FailureMalformed:
		return 40100
	case contracts.FailureUnknownKey, contracts.FailureBadBasic:
		return 40107
	case contracts.FailureNoTimestamp, contracts.FailureInvalidTimestamp, contracts.FailureSkewedTimestamp:
		return 40101
	case contracts.FailureSignatureMismatch:
		return 40102
	}
	return 40100
}

// checkContentType wants one application/json (parameters such as charset
// allowed) on a request with a body. Two Content-Type lines are refused
// even when they agree: which one a proxy or the API would read is not
// defined.
func checkContentType(values []string) reqError {
	if len(values) > 1 {
		return invalid("Content-Type is sent more than once; want one application/json.")
	}
	var ct string
	if len(values) == 1 {
		ct = values[0]
	}
	if ct == contentTypeJSON {
		return reqError{}
	}
	if ct == "" {
		return invalid("Content-Type is missing; want application/json.")
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == contentTypeJSON {
		return reqError{}
	}
	if !utf8.ValidString(ct) {
		ct = "(not UTF-8)"
	}
	return invalid("Content-Type %q is not supported; want application/json.", clip(ct))
}

func (s *Server) start(w http.ResponseWriter, r *http.Request, body []byte) {
	req, e := parseStart(body)
	if e.code != 0 {
		s.fail(w, e.code, e.msg)
		return
	}
	if mn, ok := s.magic[req.endpoint]; ok {
		s.fail(w, mn.code, "")
		return
	}
	window := s.cfg.VelocityWindow
	if s.hooks.velocityWindow != nil {
		window = s.hooks.velocityWindow(window)
	}
	v, code := s.state.start(req, s.cfg.Now(), window)
	if code != 0 {
		s.fail(w, code, "")
		return
	}
	s.ok(w, newStartResponse(v, linkBase(r)))
}

func (s *Server) report(w http.ResponseWriter, m match, body []byte) {
	req, code, e := parseReport(body)
	if e.code != 0 {
		if s.hooks.reportError != nil {
			e = s.hooks.reportError(e, code)
		}
		s.fail(w, e.code, e.msg)
		return
	}
	var v verification
	var found bool
	if m.op == opReportByID {
		v, found = s.state.reportID(m.param, req)
	} else {
		if e := s.checkPathNumber(m.param); e.code != 0 {
			s.fail(w, e.code, e.msg)
			return
		}
		v, found = s.state.reportNumber(m.param, req)
	}
	if !found {
		s.fail(w, 40400, "")
		return
	}
	s.ok(w, newReportResponse(v))
}

// checkPathNumber judges the number in a path: 40005 and 40003 as in a
// body, then the magic number of a server-side code (capacity, outages),
// which any operation may meet.
func (s *Server) checkPathNumber(n string) reqError {
	if e := checkNumber(n); e.code != 0 {
		return e
	}
	if mn, ok := s.magic[n]; ok && mn.server {
		return reqError{mn.code, ""}
	}
	return reqError{}
}

func (s *Server) status(w http.ResponseWriter, lookup func(string) (verification, bool), key string) {
	v, ok := lookup(key)
	if !ok {
		s.fail(w, 40400, "")
		return
	}
	s.ok(w, newStatusResponse(v))
}

// magicNumber is what a catalog magic number answers.
type magicNumber struct {
	code   int
	server bool // trigger "server": any operation on the number meets it
}

// newMagicNumbers maps each magic number of cat to its code, once: the
// catalog's ByMagic scans (and copies) every entry, on every start.
func newMagicNumbers(cat *contracts.Catalog) map[string]magicNumber {
	m := make(map[string]magicNumber)
	for _, spec := range cat.Errors() {
		if _, seen := m[spec.Magic]; spec.Magic != "" && !seen { // the first, as ByMagic
			m[spec.Magic] = magicNumber{spec.Code, spec.Trigger == contracts.TriggerServer}
		}
	}
	return m
}

// linkBase is the scheme and host the request was sent to, for _links.
func linkBase(r *http.Request) string {
	scheme := r.URL.Scheme
	if scheme == "" {
		scheme = "http"
		if r.TLS != nil {
			scheme = "https"
		}
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return scheme + "://" + host
}
