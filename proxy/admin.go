package proxy

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// maxAdminBody bounds an admin request body.
const maxAdminBody = 256 << 10

// admin serves the admin API:
//
//	POST   /__vcheck/sessions                  {"scenario": ID} or {"rules": [RULE...]} -> {id, base_url, ...}
//	GET    /__vcheck/sessions/ID               rules with counts, attempts
//	DELETE /__vcheck/sessions/ID               the same, and the session ends
//	POST   /__vcheck/sessions/ID/observation   a test's observation (JSON)
//	GET    /__vcheck/global                    the global rules' counts and attempts
func (p *Proxy) admin(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, AdminPrefix)
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "global" && r.Method == http.MethodGet:
		p.writeJSON(w, http.StatusOK, p.Global())
	case len(parts) == 1 && parts[0] == "sessions" && r.Method == http.MethodPost:
		var req struct {
			Scenario string   `json:"scenario"`
			Rules    []string `json:"rules"`
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody+1))
		if err != nil || len(body) > maxAdminBody {
			proxyError(w, http.StatusBadRequest, "bad-admin-request", "session request: unreadable or over %d bytes", maxAdminBody)
			return
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			proxyError(w, http.StatusBadRequest, "bad-admin-request", "session request: want {\"scenario\": ID} or {\"rules\": [RULE...]}: %v", err)
			return
		}
		if req.Scenario == "" && len(req.Rules) == 0 {
			proxyError(w, http.StatusBadRequest, "bad-admin-request", "session request: want a scenario or rules")
			return
		}
		rules := make([]Rule, 0, len(req.Rules))
		for i, text := range req.Rules {
			rule, err := Parse(text)
			if err != nil {
				proxyError(w, http.StatusBadRequest, "bad-rule", "rules[%d]: %v", i, err)
				return
			}
			rules = append(rules, rule)
		}
		info, err := p.NewSession(req.Scenario, rules)
		switch {
		case errors.Is(err, ErrUnknownScenario):
			proxyError(w, http.StatusNotFound, "unknown-scenario", "%v", err)
		case errors.Is(err, ErrTooManySessions):
			proxyError(w, http.StatusServiceUnavailable, "too-many-sessions", "%v", err)
		case err != nil:
			proxyError(w, http.StatusInternalServerError, "session-failed", "%v", err)
		default:
			p.writeJSON(w, http.StatusCreated, info)
		}
	case len(parts) == 2 && parts[0] == "sessions" && (r.Method == http.MethodGet || r.Method == http.MethodDelete):
		var st SessionState
		var ok bool
		if r.Method == http.MethodGet {
			st, ok = p.Session(parts[1])
		} else {
			st, ok = p.EndSession(parts[1])
		}
		if !ok {
			proxyError(w, http.StatusNotFound, "unknown-session", "no session %q (expired or deleted?)", parts[1])
			return
		}
		p.writeJSON(w, http.StatusOK, st)
	case len(parts) == 3 && parts[0] == "sessions" && parts[2] == "observation" && r.Method == http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody+1))
		if err != nil || len(body) > maxAdminBody || !json.Valid(body) {
			proxyError(w, http.StatusBadRequest, "bad-admin-request", "observation: want a JSON value under %d bytes", maxAdminBody)
			return
		}
		if !p.Observe(parts[1], body) {
			proxyError(w, http.StatusNotFound, "unknown-session", "no session %q (expired or deleted?)", parts[1])
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		proxyError(w, http.StatusNotFound, "not-found", "no admin endpoint %s %s (POST /__vcheck/sessions, GET|DELETE /__vcheck/sessions/ID, GET /__vcheck/global)", r.Method, r.URL.Path)
	}
}

// writeJSON answers v through the scrubber of the record: an admin answer
// shows attempts, rules and observations, any of which may hold a secret.
func (p *Proxy) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := p.scrub.JSON(v)
	if err != nil {
		proxyError(w, http.StatusInternalServerError, "admin-answer", "cannot encode the answer")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
