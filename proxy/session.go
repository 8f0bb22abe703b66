package proxy

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ErrTooManySessions is returned when MaxSessions sessions are alive.
var ErrTooManySessions = errors.New("too many sessions")

// ErrClosed is returned by NewSession once the proxy is closed.
var ErrClosed = errors.New("proxy closed")

// ErrUnknownScenario is returned for a scenario id the proxy does not know.
var ErrUnknownScenario = errors.New("unknown scenario")

// session is a set of rules with their counts and the attempts they saw.
type session struct {
	p        *Proxy
	id       string
	scenario string
	created  time.Time
	expires  time.Time
	baseURL  string
	ln       net.Listener
	srv      *http.Server
	timer    *time.Timer

	mu          sync.Mutex
	rules       []*compiled
	attempts    []Attempt
	dropped     int
	n           int
	last        time.Time
	seen        map[string]string // method path body-hash -> last x-timestamp
	conns       map[net.Conn]struct{}
	observation json.RawMessage
	ended       bool

	// inflight counts attempts not yet recorded: a fault such as lose or
	// reset reaches the client before its attempt is recorded, so EndSession
	// waits for them before it reports the session's attempts.
	inflight atomic.Int64
}

func (p *Proxy) newSession(id, scenario string, rules []Rule) *session {
	s := &session{p: p, id: id, scenario: scenario, created: p.cfg.Now(), seen: map[string]string{}, conns: map[net.Conn]struct{}{}}
	for _, r := range rules {
		s.rules = append(s.rules, compile(r))
	}
	return s
}

// SessionInfo is what creating a session answers.
type SessionInfo struct {
	ID       string    `json:"id"`
	BaseURL  string    `json:"base_url"`
	Scenario string    `json:"scenario,omitempty"`
	Rules    []string  `json:"rules"`
	Expires  time.Time `json:"expires_at"`
}

// RuleState is a rule with how often it matched and fired.
type RuleState struct {
	Rule    string `json:"rule"`
	Matched int    `json:"matched"`
	Fired   int    `json:"fired"`
}

// SessionState is a session's rules with their counts and its attempts.
type SessionState struct {
	ID          string          `json:"id"`
	BaseURL     string          `json:"base_url,omitempty"`
	Scenario    string          `json:"scenario,omitempty"`
	Rules       []RuleState     `json:"rules"`
	Attempts    []Attempt       `json:"attempts"`
	Dropped     int             `json:"attempts_dropped,omitempty"`
	Observation json.RawMessage `json:"observation,omitempty"`
}

// NewSession starts a session on a fresh loopback port with the rules of
// scenario (when not empty) followed by rules. The session is published
// (visible to lookups, to EndSession and to Close) only once it is fully
// built, and never after Close: then NewSession returns an error.
func (p *Proxy) NewSession(scenario string, rules []Rule) (SessionInfo, error) {
	var all []Rule
	if scenario != "" {
		sc, ok := p.cfg.Scenarios[scenario]
		if !ok {
			return SessionInfo{}, fmt.Errorf("%w %q", ErrUnknownScenario, scenario)
		}
		all = append(all, sc...)
	}
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			return SessionInfo{}, fmt.Errorf("rules[%d]: %w", i, err)
		}
	}
	all = append(all, rules...)
	p.mu.Lock()
	if err := p.canAdd(); err != nil {
		p.mu.Unlock()
		return SessionInfo{}, err
	}
	p.next++
	id := fmt.Sprintf("s%d-%08x", p.next, p.draw64())
	p.mu.Unlock()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return SessionInfo{}, fmt.Errorf("session port: %w", err)
	}
	s := p.newSession(id, scenario, all)
	s.ln = ln
	s.baseURL = "http://" + ln.Addr().String()
	s.expires = s.created.Add(p.cfg.SessionTTL)
	s.srv = p.NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(s, w, r) }))

	p.mu.Lock()
	if err := p.canAdd(); err != nil { // Close or other sessions came first
		p.mu.Unlock()
		_ = ln.Close()
		return SessionInfo{}, err
	}
	p.sessions[id] = s
	// Set under p.mu, which Close and EndSession take before they read it.
	s.timer = time.AfterFunc(p.cfg.SessionTTL, func() { _, _ = p.EndSession(id) })
	p.mu.Unlock()
	// Serving starts after publishing: a Close in between has closed ln,
	// and Serve then returns at once.
	go func() { _ = s.srv.Serve(ln) }()
	info := SessionInfo{ID: id, BaseURL: s.baseURL, Scenario: scenario, Expires: s.expires}
	for _, r := range all {
		info.Rules = append(info.Rules, r.String())
	}
	return info, nil
}

// canAdd reports why no session may be added now; p.mu is held.
func (p *Proxy) canAdd() error {
	if p.closed {
		return ErrClosed
	}
	if n := len(p.sessions); n >= p.cfg.MaxSessions {
		return fmt.Errorf("%w: %d alive (they expire after %v, or DELETE them)", ErrTooManySessions, n, p.cfg.SessionTTL)
	}
	return nil
}

func (p *Proxy) draw64() uint32 {
	p.rngMu.Lock()
	defer p.rngMu.Unlock()
	return p.rng.Uint32()
}

func (p *Proxy) lookup(id string) (*session, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.sessions[id]
	return s, ok
}

// Session returns the state of a live session.
func (p *Proxy) Session(id string) (SessionState, bool) {
	s, ok := p.lookup(id)
	if !ok {
		return SessionState{}, false
	}
	return s.state(), true
}

// EndSession closes a session's port and returns its final state.
func (p *Proxy) EndSession(id string) (SessionState, bool) {
	p.mu.Lock()
	s, ok := p.sessions[id]
	delete(p.sessions, id)
	p.mu.Unlock()
	if !ok {
		return SessionState{}, false
	}
	_ = s.shutdown()
	s.settle(settleTimeout)
	return s.state(), true
}

// settleTimeout bounds how long EndSession waits for in-flight attempts;
// shutdown has closed their connections, so they end promptly.
const settleTimeout = 5 * time.Second

// settle waits until every attempt of the session is recorded, or d passed.
func (s *session) settle(d time.Duration) {
	deadline := time.Now().Add(d)
	for s.inflight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
}

// Observe stores an observation posted by a test for the session (a test
// inside an existing suite reports what its SDK surfaced).
func (p *Proxy) Observe(id string, obs json.RawMessage) bool {
	s, ok := p.lookup(id)
	if !ok {
		return false
	}
	s.mu.Lock()
	s.observation = append(json.RawMessage(nil), obs...)
	s.mu.Unlock()
	return true
}

func (s *session) shutdown() error {
	if s.timer != nil {
		s.timer.Stop()
	}
	var err error
	if s.srv != nil {
		err = s.srv.Close()
	}
	if s.ln != nil {
		// Serve may not have taken the listener yet (a Close right after
		// NewSession published it): closed here, the port refuses at once.
		_ = s.ln.Close()
	}
	s.closeConns()
	return err
}

// closeConns closes the hijacked connections still held (hangs).
func (s *session) closeConns() {
	s.mu.Lock()
	s.ended = true
	conns := s.conns
	s.conns = map[net.Conn]struct{}{}
	s.mu.Unlock()
	for c := range conns {
		_ = c.Close()
	}
}

func (s *session) hold(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended && s != s.p.global {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *session) release(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *session) state() SessionState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := SessionState{ID: s.id, BaseURL: s.baseURL, Scenario: s.scenario, Dropped: s.dropped, Observation: s.observation}
	st.Rules = make([]RuleState, 0, len(s.rules))
	for _, r := range s.rules {
		st.Rules = append(st.Rules, RuleState{Rule: r.String(), Matched: r.matched, Fired: r.fired})
	}
	// Attempts are stored when they end; a lost or hung attempt can end
	// after a later one, so they are reported in the order they began.
	st.Attempts = append([]Attempt{}, s.attempts...)
	slices.SortFunc(st.Attempts, func(a, b Attempt) int { return cmp.Compare(a.N, b.N) })
	return st
}
