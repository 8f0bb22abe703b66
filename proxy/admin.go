package proxy

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
)

// maxAdminBody bounds an admin request body.
const maxAdminBody = 256 << 10

// adminRoute is one endpoint of the admin API: a net/http.ServeMux
// pattern (method, path, {wildcards}) and its handler.
type adminRoute struct {
	pattern string
	handle  func(p *Proxy, w http.ResponseWriter, r *http.Request)
}

// adminRoutes are the admin API's endpoints:
//
//	GET    /__vcheck/global                    the global rules' counts and attempts
//	POST   /__vcheck/sessions                  {"scenario": ID} or {"rules": [RULE...]} -> {id, base_url, ...}
//	GET    /__vcheck/sessions/{id}             rules with counts, attempts
//	DELETE /__vcheck/sessions/{id}             the same, and the session ends
//	POST   /__vcheck/sessions/{id}/observation a test's observation (JSON)
//
// No pattern ends in "/": the mux would then redirect the path without
// the slash, an answer serveAdmin does not expect from it.
var adminRoutes = []adminRoute{
	{"GET " + AdminPrefix + "global", (*Proxy).adminGlobal},
	{"POST " + AdminPrefix + "sessions", (*Proxy).adminNewSession},
	{"GET " + AdminPrefix + "sessions/{id}", (*Proxy).adminSession},
	{"DELETE " + AdminPrefix + "sessions/{id}", (*Proxy).adminEndSession},
	{"POST " + AdminPrefix + "sessions/{id}/observation", (*Proxy).adminObserve},
}

// newAdminMux routes the admin API's endpoints of p.
func (p *Proxy) newAdminMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range adminRoutes {
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { rt.handle(p, w, r) })
	}
	return mux
}

// serveAdmin serves a request under AdminPrefix: refused unless it comes
// from this machine's own pages and clients (adminRefusal), then routed by
// p.adminMux. What the mux would answer itself (a 404, a 405, a redirect
// to the cleaned path) is answered as the proxy's own failure instead, so
// that no admin answer can pass for the API's.
func (p *Proxy) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if why := adminRefusal(r); why != "" {
		proxyError(w, http.StatusForbidden, KindAdminForbidden, "admin API: %s (only this machine's own pages and clients may use it)", why)
		return
	}
	if !cleanPath(r.URL.EscapedPath()) {
		p.adminNotFound(w, r)
		return
	}
	h, pattern := p.adminMux.Handler(r)
	if pattern == "" {
		// No route: h is the mux's 404, or its 405 with the Allow header
		// of the methods the path takes. Run into a capture, it tells
		// which, and the answer is the proxy's.
		c := &captured{header: http.Header{}}
		h.ServeHTTP(c, r)
		if allow := c.header.Get("Allow"); c.status == http.StatusMethodNotAllowed && allow != "" {
			w.Header().Set("Allow", allow)
			proxyError(w, http.StatusMethodNotAllowed, KindMethodNotAllowed, "admin API: %s takes %s, not %s", p.scrub.String(r.URL.Path), allow, p.scrub.String(r.Method))
			return
		}
		p.adminNotFound(w, r)
		return
	}
	p.adminMux.ServeHTTP(w, r)
}

// cleanPath reports whether the mux takes p as it is: no "//", "." or
// ".." segments (it would redirect them to the cleaned path).
func cleanPath(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// adminNotFound answers a path no admin endpoint serves, with the list of
// those there are. The path is scrubbed: a secret in it is not echoed.
func (p *Proxy) adminNotFound(w http.ResponseWriter, r *http.Request) {
	patterns := make([]string, len(adminRoutes))
	for i, rt := range adminRoutes {
		patterns[i] = rt.pattern
	}
	proxyError(w, http.StatusNotFound, KindNotFound, "no admin endpoint %s %s (%s)", p.scrub.String(r.Method), p.scrub.String(r.URL.Path), strings.Join(patterns, ", "))
}

func (p *Proxy) adminGlobal(w http.ResponseWriter, _ *http.Request) {
	p.writeJSON(w, http.StatusOK, p.Global())
}

func (p *Proxy) adminNewSession(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Scenario string   `json:"scenario"`
		Rules    []string `json:"rules"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody+1))
	if err != nil || len(body) > maxAdminBody {
		proxyError(w, http.StatusBadRequest, KindBadAdminRequest, "session request: unreadable or over %d bytes", maxAdminBody)
		return
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		proxyError(w, http.StatusBadRequest, KindBadAdminRequest, "session request: want {\"scenario\": ID} or {\"rules\": [RULE...]}: %v", err)
		return
	}
	if req.Scenario == "" && len(req.Rules) == 0 {
		proxyError(w, http.StatusBadRequest, KindBadAdminRequest, "session request: want a scenario or rules")
		return
	}
	rules := make([]Rule, 0, len(req.Rules))
	for i, text := range req.Rules {
		rule, err := ParseRule(text)
		if err != nil {
			proxyError(w, http.StatusBadRequest, KindBadRule, "rules[%d]: %v", i, err)
			return
		}
		rules = append(rules, rule)
	}
	info, err := p.NewSession(req.Scenario, rules)
	switch {
	case errors.Is(err, ErrUnknownScenario):
		proxyError(w, http.StatusNotFound, KindUnknownScenario, "%v", err)
	case errors.Is(err, ErrTooManySessions):
		proxyError(w, http.StatusServiceUnavailable, KindTooManySessions, "%v", err)
	case err != nil:
		proxyError(w, http.StatusInternalServerError, KindSessionFailed, "%v", err)
	default:
		p.writeJSON(w, http.StatusCreated, info)
	}
}

func (p *Proxy) adminSession(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, ok := p.Session(id)
	p.writeState(w, id, st, ok)
}

func (p *Proxy) adminEndSession(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, ok := p.EndSession(id)
	p.writeState(w, id, st, ok)
}

// writeState answers a session's state, or that there is no session id.
func (p *Proxy) writeState(w http.ResponseWriter, id string, st SessionState, ok bool) {
	if !ok {
		p.unknownSession(w, id)
		return
	}
	p.writeJSON(w, http.StatusOK, st)
}

func (p *Proxy) adminObserve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody+1))
	if err != nil || len(body) > maxAdminBody || !json.Valid(body) {
		proxyError(w, http.StatusBadRequest, KindBadAdminRequest, "observation: want a JSON value under %d bytes", maxAdminBody)
		return
	}
	if id := r.PathValue("id"); !p.Observe(id, body) {
		p.unknownSession(w, id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// unknownSession answers that there is no session id; the id is scrubbed.
func (p *Proxy) unknownSession(w http.ResponseWriter, id string) {
	proxyError(w, http.StatusNotFound, KindUnknownSession, "no session %q (expired or deleted?)", p.scrub.String(id))
}

// writeJSON answers v through the scrubber of the record: an admin answer
// shows attempts, rules and observations, any of which may hold a secret.
func (p *Proxy) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := p.scrub.JSON(v)
	if err != nil {
		proxyError(w, http.StatusInternalServerError, KindAdminAnswer, "cannot encode the answer")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
