package proxy

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/internal/loopback"
)

// The defaults of Config's zero fields.
const (
	// DefaultMaxHang bounds a hung answer (hang, partial(...,hang)) and a
	// delay: the connection is closed after it.
	DefaultMaxHang = 30 * time.Second
	// DefaultMaxSessions bounds the sessions alive at once.
	DefaultMaxSessions = 64
	// DefaultSessionTTL is how long a session lives unless deleted first.
	DefaultSessionTTL = 10 * time.Minute
	// MaxRequestBody is the largest request body the proxy reads.
	MaxRequestBody = 1 << 20
	// MaxUpstreamBody is the largest upstream answer the proxy relays.
	MaxUpstreamBody = 8 << 20
	// MaxAttempts bounds the attempts a session keeps in memory.
	MaxAttempts = 10_000
	// UpstreamTimeout bounds one forwarded request.
	UpstreamTimeout = 30 * time.Second
)

// Header names of the proxy.
const (
	// HeaderSession selects a session on the default port; it is stripped
	// before forwarding.
	HeaderSession = "Vcheck-Session"
	// HeaderError marks the proxy's own failures (unknown session,
	// unreachable upstream): such an answer is never a Sinch error.
	HeaderError = "Vcheck-Proxy-Error"
	// AdminPrefix is the path prefix of the admin API on the default port.
	AdminPrefix = "/__vcheck/"
)

// ErrorKind is the value of the HeaderError header: which of the proxy's
// own failures an answer is. The record's ProxyError holds it too.
type ErrorKind string

// The proxy's own failures.
const (
	KindAdminForbidden      ErrorKind = "admin-forbidden"      // an admin request from another host or origin
	KindNotFound            ErrorKind = "not-found"            // a path no admin endpoint serves
	KindMethodNotAllowed    ErrorKind = "method-not-allowed"   // an admin path asked with a method it does not take
	KindBadAdminRequest     ErrorKind = "bad-admin-request"    // an admin request body that is not what the endpoint reads
	KindBadRule             ErrorKind = "bad-rule"             // a rule of a session request that does not parse
	KindUnknownScenario     ErrorKind = "unknown-scenario"     // a session request for a scenario the proxy lacks
	KindTooManySessions     ErrorKind = "too-many-sessions"    // MaxSessions sessions are alive
	KindSessionFailed       ErrorKind = "session-failed"       // a session could not be started
	KindUnknownSession      ErrorKind = "unknown-session"      // no such session (expired or deleted)
	KindAdminAnswer         ErrorKind = "admin-answer"         // an admin answer could not be encoded
	KindRequestTooLarge     ErrorKind = "request-too-large"    // a request body over MaxRequestBody
	KindSideEffects         ErrorKind = "side-effects"         // a possible start not forwarded to a non-loopback upstream
	KindBadRequest          ErrorKind = "bad-request"          // a request that cannot be forwarded
	KindUpstreamUnreachable ErrorKind = "upstream-unreachable" // the upstream did not answer
	KindUpstreamAnswer      ErrorKind = "upstream-answer"      // the upstream's answer was unreadable, too large or a panic
)

// StartPath is the path of the start request, the one that sends an SMS or
// places a call on the real API.
const StartPath = "/verification/v1/verifications"

// Config configures a Proxy. Upstream is required; every other zero value
// is useful.
type Config struct {
	// Upstream is the base URL requests are forwarded to over HTTP, e.g.
	// `vcheck serve`'s http://127.0.0.1:8080 or the Sinch API. Required
	// unless Handler is set.
	Upstream string
	// Handler, when set, is the upstream served in-process (the embedded
	// reference mock): a request that passes through is handed to
	// Handler.ServeHTTP instead of crossing a second loopback connection,
	// which halves the HTTP work per request. Links it answers name the
	// proxy's host, so a client that follows them stays behind the proxy.
	// Upstream, if also set, only names it in messages.
	Handler http.Handler
	// Rules apply to requests on the default port without a session header
	// (manual chaos runs: counts are shared, not parallel-safe).
	Rules []Rule
	// Scenarios resolve POST /__vcheck/sessions {"scenario": ID}.
	Scenarios map[string][]Rule
	// Seed seeds the generator of p= draws; 0 picks one (see Proxy.Seed).
	Seed uint64
	// MaxHang bounds hung answers and delays; 0 means DefaultMaxHang.
	MaxHang time.Duration
	// MaxSessions bounds live sessions; 0 means DefaultMaxSessions.
	MaxSessions int
	// SessionTTL is a session's life; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	// AllowSideEffects lets a start request through to a non-loopback
	// upstream (the real API sends an SMS or places a call).
	AllowSideEffects bool
	// Credentials are redacted wherever they could appear in the record
	// (the secret, its base64 forms, Basic credentials).
	Credentials []contracts.Credentials
	// Record receives every attempt of every session as one JSON line.
	Record io.Writer
	// Transport forwards requests; nil means a transport of its own.
	Transport http.RoundTripper
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Proxy is the chaos proxy. It is an http.Handler for the default port
// (global rules, the Vcheck-Session header and the admin API) and serves
// each session on a loopback port of its own. Close it when done.
type Proxy struct {
	cfg      Config
	up       *url.URL
	loopback bool
	client   *http.Client
	scrub    *Scrubber
	seed     uint64
	adminMux *http.ServeMux // the admin API's routes; serveAdmin guards them

	rngMu sync.Mutex
	rng   *rand.Rand

	recMu sync.Mutex

	mu       sync.Mutex
	global   *session
	sessions map[string]*session
	next     int
	closed   bool
}

// New checks cfg and returns a Proxy.
func New(cfg Config) (*Proxy, error) {
	var up *url.URL
	switch {
	case cfg.Handler != nil:
		up = &url.URL{Scheme: "http", Host: "in-process"}
	case cfg.Upstream == "":
		return nil, errors.New("proxy config: Upstream: empty (and no in-process Handler)")
	default:
		var err error
		if up, err = ParseUpstream(cfg.Upstream); err != nil {
			return nil, fmt.Errorf("proxy config: %w", err)
		}
	}
	for i, r := range cfg.Rules {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("proxy config: Rules[%d]: %w", i, err)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(cfg.Scenarios)) {
		for i, r := range cfg.Scenarios[id] {
			if err := r.Validate(); err != nil {
				return nil, fmt.Errorf("proxy config: Scenarios[%q][%d]: %w", id, i, err)
			}
		}
	}
	if cfg.MaxHang <= 0 {
		cfg.MaxHang = DefaultMaxHang
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	tr := cfg.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 256
		t.ResponseHeaderTimeout = UpstreamTimeout
		tr = t
	}
	p := &Proxy{
		cfg:      cfg,
		up:       up,
		loopback: cfg.Handler != nil || loopback.URL(up),
		client: &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		scrub:    NewScrubber(cfg.Credentials),
		seed:     seed,
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		sessions: map[string]*session{},
	}
	p.global = p.newSession("global", "", cfg.Rules)
	p.adminMux = p.newAdminMux()
	return p, nil
}

// ParseUpstream checks an upstream base URL: http or https, a host, no
// query or fragment; a trailing slash is dropped.
func ParseUpstream(raw string) (*url.URL, error) {
	return loopback.ParseBaseURL("upstream", raw)
}

// Timeouts of the proxy's HTTP servers, as the mock's (mock.NewHTTPServer):
// a client that sends its request slowly or never reads its answer is cut
// off instead of holding a goroutine and an answer's memory.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 60 * time.Second
	MaxHeaderBytes    = 64 << 10
)

// NewHTTPServer returns an http.Server for h (the proxy itself for the
// default port) with every timeout set. Its write timeout runs from the
// request, so it is stretched past the longest answer the proxy may mean
// to give (a delay up to MaxHang, then the upstream's UpstreamTimeout);
// ReadTimeout bounds the request itself (serve lifts it once the body is
// read, so that a long delay is not seen as the client leaving).
func (p *Proxy) NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      p.cfg.MaxHang + UpstreamTimeout + WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// Seed is the seed of the p= draws, to print so a run can be repeated.
func (p *Proxy) Seed() uint64 { return p.seed }

// UpstreamIsLoopback reports whether the upstream is on this machine.
func (p *Proxy) UpstreamIsLoopback() bool { return p.loopback }

// ServeHTTP serves the default port: the admin API under /__vcheck/, a
// session selected by the Vcheck-Session header, or the global rules.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AdminPrefix) {
		p.serveAdmin(w, r)
		return
	}
	if id := r.Header.Get(HeaderSession); id != "" {
		s, ok := p.lookup(id)
		if !ok {
			proxyError(w, http.StatusNotFound, KindUnknownSession, "no session %q (expired or deleted?)", id)
			return
		}
		p.serve(s, w, r)
		return
	}
	p.serve(p.global, w, r)
}

// Global returns the state of the global rules (the default port without
// a session header).
func (p *Proxy) Global() SessionState { return p.global.state() }

// Close ends every session and closes their ports.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	all := make([]*session, 0, len(p.sessions))
	for id, s := range p.sessions {
		all = append(all, s)
		delete(p.sessions, id)
	}
	p.mu.Unlock()
	var errs []error
	for _, s := range all {
		errs = append(errs, s.shutdown())
	}
	p.global.closeConns()
	return errors.Join(errs...)
}

// draw reports whether a p= rule fires this time.
func (p *Proxy) draw(prob float64) bool {
	p.rngMu.Lock()
	defer p.rngMu.Unlock()
	return p.rng.Float64() < prob
}

// proxyError answers the proxy's own failure: a Vcheck-Proxy-Error header
// and a plain-text body that no client can mistake for a Sinch error.
func proxyError(w http.ResponseWriter, status int, kind ErrorKind, format string, args ...any) {
	h := w.Header()
	h.Set(HeaderError, string(kind))
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, "vcheck proxy: "+format+"\n", args...)
}
