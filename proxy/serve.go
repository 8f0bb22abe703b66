package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// maxParsedBody bounds what the record parses of an answer for its errorCode.
const maxParsedBody = 64 << 10

// answer is a response to send: synthesized or relayed from the upstream.
type answer struct {
	status int
	header http.Header
	body   []byte
	// pad bytes of hugePad are sent after body[:padAt] (body(huge)); they
	// are generated as they are written, never stored per answer.
	pad, padAt int
}

// attemptCtx accumulates what one attempt did, for its record line.
type attemptCtx struct {
	a        Attempt
	start    time.Time
	hungUpNS atomic.Int64 // ns after start when the client hung up; 0: not seen
}

func (ac *attemptCtx) sawHangUp(at time.Time) {
	ac.hungUpNS.CompareAndSwap(0, max(int64(at.Sub(ac.start)), 1))
}

// serve handles one attempt on session s.
func (p *Proxy) serve(s *session, w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Add(-1) // runs after finish has recorded the attempt
	ac := &attemptCtx{start: p.cfg.Now()}
	defer func() { p.finish(s, ac) }()
	r.Header.Del(HeaderSession)
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	if err != nil {
		ac.a.Outcome, ac.a.ProxyError = OutClientGone, "request body unreadable"
		ac.sawHangUp(p.cfg.Now())
		p.begin(s, ac, r, nil, nil)
		return
	}
	// The server's ReadTimeout bounded the request; past it, the
	// connection is only watched for the client leaving, and a deadline
	// left in place would cancel the request as if the client had left.
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	rule := p.begin(s, ac, r, body, nil)
	if len(body) > MaxRequestBody {
		ac.a.Outcome, ac.a.ProxyError = OutProxyError, string(KindRequestTooLarge)
		proxyError(w, http.StatusRequestEntityTooLarge, KindRequestTooLarge, "request body over %d bytes", MaxRequestBody)
		ac.a.Status = http.StatusRequestEntityTooLarge
		return
	}
	stop := context.AfterFunc(r.Context(), func() { ac.sawHangUp(p.cfg.Now()) })
	var acts []Action
	if rule != nil {
		acts = rule.Actions
	}
	p.act(s, ac, w, r, body, acts, stop)
	stop()
}

// begin numbers the attempt, picks the rule that fires and fills the
// request side of the record.
func (p *Proxy) begin(s *session, ac *attemptCtx, r *http.Request, body []byte, _ error) *Rule {
	a := &ac.a
	a.Session, a.Scenario = s.id, s.scenario
	a.At = ac.start.UTC()
	a.Method, a.Host, a.Path = r.Method, r.Host, r.URL.EscapedPath()
	a.Auth = redactAuthorization(r.Header.Get("Authorization"))
	a.Timestamp = r.Header.Get(contracts.HeaderTimestamp)
	if len(body) > 0 {
		sum := sha256.Sum256(body)
		a.BodySHA256 = hex.EncodeToString(sum[:8])
	}
	var doc any
	var docErr error
	parsed := false
	jsonBody := func() (any, error) {
		if !parsed {
			parsed = true
			docErr = json.Unmarshal(body, &doc)
		}
		return doc, docErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	a.N = s.n
	if !s.last.IsZero() {
		g := ms(ac.start.Sub(s.last))
		a.GapMS = &g
	}
	s.last = ac.start
	key := r.Method + " " + r.URL.EscapedPath() + " " + a.BodySHA256
	if prev, ok := s.seen[key]; ok {
		a.Retry = true
		re := prev != a.Timestamp && a.Timestamp != ""
		a.Resigned = &re
	}
	if len(s.seen) >= MaxAttempts { // bounded memory on a long global run
		clear(s.seen)
	}
	s.seen[key] = a.Timestamp
	for i, c := range s.rules {
		if !matches(c, r, jsonBody) {
			continue
		}
		c.matched++
		if c.matched <= c.After {
			continue
		}
		if c.Every > 1 && (c.matched-c.After-1)%c.Every != 0 {
			continue
		}
		if c.Times > 0 && c.fired >= c.Times {
			continue
		}
		if c.P > 0 && !p.draw(c.P) {
			continue
		}
		c.fired++
		a.Rule = c.ID
		if a.Rule == "" {
			a.Rule = "#" + strconv.Itoa(i+1)
		}
		var acts []string
		for _, x := range c.Actions {
			acts = append(acts, x.String())
		}
		a.Action = strings.Join(acts, ", ")
		rule := c.Rule
		return &rule
	}
	return nil
}

// act carries out the actions of the rule that fired (none: pass).
func (p *Proxy) act(s *session, ac *attemptCtx, w http.ResponseWriter, r *http.Request, body []byte, acts []Action, stopWatch func() bool) {
	var sinch, status, bodyAct, partial, lose, drop *Action
	var headers []Action
	for i := range acts {
		a := &acts[i]
		switch a.Kind {
		case ActSinch:
			sinch = a
		case ActStatus:
			status = a
		case ActBody:
			bodyAct = a
		case ActPartial:
			partial = a
		case ActLose:
			lose = a
		case ActHang, ActReset, ActClose:
			drop = a
		case ActHeader:
			headers = append(headers, *a)
		case ActDelay:
			if !p.wait(r.Context(), min(a.Delay, p.cfg.MaxHang)) {
				ac.a.Outcome = OutClientGone
				return
			}
		}
	}
	if drop != nil {
		stopWatch()
		p.terminate(s, ac, w, drop.Kind)
		return
	}
	var ans *answer
	if sinch != nil || status != nil || bodyAct != nil {
		ans = synthesize(sinch, status, bodyAct)
	} else {
		var ok bool
		if ans, ok = p.forward(ac, w, r, body); !ok {
			return
		}
	}
	if lose != nil {
		stopWatch()
		ac.a.Status = 0
		p.terminate(s, ac, w, lose.Then)
		ac.a.Outcome = OutLost
		return
	}
	for _, h := range headers {
		ans.header.Set(h.Name, strings.ReplaceAll(h.Value, SessionPortVar, sessionPort(s, r)))
	}
	ac.a.Status = ans.status
	if ans.status >= 400 || sinch != nil {
		if e := contracts.ParseErrorBody(decoded(ans)); e != nil && e.Code != 0 {
			ac.a.ErrorCode = e.Code
		}
	}
	if partial != nil {
		stopWatch()
		p.sendPartial(s, ac, w, ans, partial)
		return
	}
	for k, v := range ans.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(ans.size()))
	w.WriteHeader(ans.status)
	_ = ans.writeBody(w, ans.size())
	ac.a.Outcome = OutAnswered
}

// decoded returns at most maxParsedBody bytes of the answer's body as the
// client will read it: a gzip body (a real upstream answers one to a client
// that accepts it; the proxy relays it as is) is inflated first, so that
// the record still learns the errorCode sent.
func decoded(ans *answer) []byte {
	if !strings.EqualFold(ans.header.Get("Content-Encoding"), "gzip") {
		return ans.prefix(maxParsedBody)
	}
	zr, err := gzip.NewReader(bytes.NewReader(ans.body))
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(zr, maxParsedBody))
	return b
}

// wait sleeps d unless the client hangs up first; it reports whether d passed.
func (p *Proxy) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// SessionPortVar in a header(...) value becomes the port the request came
// to, so that a redirect can name the same server under another host name
// (http://localhost:{session_port}/...) without knowing the port in advance.
const SessionPortVar = "{session_port}"

func sessionPort(s *session, r *http.Request) string {
	if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(addr.String()); err == nil {
			return port
		}
	}
	return ""
}
