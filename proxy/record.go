package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/vcheck/vcheck/contracts"
)

// Attempt is one request the proxy saw, as the record writes it: one JSON
// line per attempt. Credentials are redacted; ids and references are never
// rewritten.
type Attempt struct {
	Session  string    `json:"session"`
	Scenario string    `json:"scenario,omitempty"`
	N        int       `json:"attempt"`
	At       time.Time `json:"at"`
	Method   string    `json:"method"`
	Host     string    `json:"host"`
	Path     string    `json:"path"`
	// GapMS is the time since the previous attempt of the session began
	// (backoff, Retry-After); null for the first.
	GapMS *float64 `json:"gap_ms"`
	// Rule is the ID (or #INDEX) of the rule that fired; empty: none (pass).
	Rule string `json:"rule,omitempty"`
	// Action is the fired rule's actions as the grammar prints them.
	Action string `json:"action,omitempty"`
	// Outcome is how the attempt ended (OutAnswered, ...).
	Outcome Outcome `json:"outcome"`
	// Status is the HTTP status sent (0: none).
	Status int `json:"status"`
	// ErrorCode is the errorCode of the error body sent (0: none).
	ErrorCode int `json:"error_code,omitempty"`
	// BytesSent is the body bytes sent by a partial answer.
	BytesSent int `json:"bytes_sent,omitempty"`
	// Upstream says whether the upstream executed the request.
	Upstream       bool `json:"upstream_executed"`
	UpstreamStatus int  `json:"upstream_status,omitempty"`
	// ClientHungUpMS is when, after the attempt began, the client closed
	// the connection before the answer ended (a timeout seen from the
	// server, without trusting the SDK); null if it did not.
	ClientHungUpMS *float64 `json:"client_hung_up_ms"`
	// Retry says the same method, path and body came earlier in the session.
	Retry bool `json:"retry_of_same_body"`
	// Resigned says, for a retry, whether x-timestamp changed (re-signed).
	Resigned *bool `json:"resigned"`
	// Auth is the Authorization scheme and key, signature or credentials
	// redacted: "Application KEY:REDACTED", "Basic REDACTED".
	Auth       string  `json:"auth,omitempty"`
	Timestamp  string  `json:"x_timestamp,omitempty"`
	BodySHA256 string  `json:"body_sha256,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	// ProxyError is the ErrorKind of a proxy_error, or what else failed.
	ProxyError string `json:"proxy_error,omitempty"`
}

// Redacted replaces what must never be recorded.
const Redacted = "REDACTED"

// redactAuthorization keeps the scheme and, for the Application scheme,
// the key: the signature, Basic credentials and any other token go.
func redactAuthorization(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	scheme, rest, _ := strings.Cut(v, " ")
	if strings.EqualFold(scheme, string(contracts.SchemeApplication)) {
		if key, _, ok := strings.Cut(strings.TrimSpace(rest), ":"); ok && key != "" && len(key) <= 128 && printable(key) {
			return scheme + " " + key + ":" + Redacted
		}
	}
	if len(scheme) <= 32 && printable(scheme) && rest != "" {
		return scheme + " " + Redacted
	}
	return Redacted
}

func printable(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// Scrubber removes every form of the configured secrets from what the
// proxy shows: the record, the admin API's answers and, through the kit,
// its reports. Every place that shows an attempt goes through one
// Scrubber, so no place can show what another hides.
type Scrubber struct {
	r    *strings.Replacer
	keys []string
}

// NewScrubber returns the scrubber of creds.
func NewScrubber(creds []contracts.Credentials) *Scrubber {
	s := &Scrubber{r: redactor(creds)}
	for _, c := range creds {
		if c.Key != "" {
			s.keys = append(s.keys, c.Key)
		}
	}
	return s
}

// String replaces each secret form in v (see redactor).
func (s *Scrubber) String(v string) string { return s.r.Replace(v) }

// Attempt returns a with every field scrubbed. Beyond the known secrets,
// the fields a client fills in freely are kept only in the shape they are
// meant to have, since a secret the proxy was not told about cannot be
// found by value: an SDK that swaps key and secret puts the secret in the
// Authorization key field. So the key field is kept only when it is a
// configured key or an application key's shape (a UUID), x-timestamp only
// when it looks like a timestamp, and Host only when it looks like a host.
func (s *Scrubber) Attempt(a Attempt) Attempt {
	for _, f := range []*string{&a.Session, &a.Scenario, &a.Method, &a.Host, &a.Path, &a.Rule, &a.Action, &a.Auth, &a.Timestamp, &a.ProxyError} {
		*f = s.String(*f)
	}
	if u, err := url.PathUnescape(a.Path); err == nil && s.String(u) != u {
		a.Path = s.String(u) // a secret percent-encoded in the path
	}
	if scheme, rest, ok := strings.Cut(a.Auth, " "); ok {
		if key, sig, ok := strings.Cut(rest, ":"); ok && strings.EqualFold(scheme, string(contracts.SchemeApplication)) && !slices.Contains(s.keys, key) && !uuidRE.MatchString(key) {
			a.Auth = scheme + " " + Redacted + ":" + sig
		}
	}
	if a.Timestamp != "" && !timestampRE.MatchString(a.Timestamp) {
		a.Timestamp = Redacted
	}
	if a.Host != "" && !hostRE.MatchString(a.Host) {
		a.Host = Redacted
	}
	return a
}

var (
	uuidRE      = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
	timestampRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$`)
	hostRE      = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,62}\.?)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)
)

// JSON encodes v as one line of JSON, scrubbed.
func (s *Scrubber) JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(s.String(buf.String())), nil
}

// Scrubber is the proxy's scrubber, for whoever shows its attempts.
func (p *Proxy) Scrubber() *Scrubber { return p.scrub }

// redactor replaces each secret and its encodings: the secret, the key it
// decodes to (when printable), base64 of the secret and of key:secret.
func redactor(creds []contracts.Credentials) *strings.Replacer {
	var pairs []string
	add := func(s string) {
		if len(s) >= 4 {
			pairs = append(pairs, s, Redacted)
		}
	}
	for _, c := range creds {
		sec := c.Secret.Reveal()
		if sec == "" {
			continue
		}
		for _, form := range []string{sec, c.Key + ":" + sec} {
			add(base64.StdEncoding.EncodeToString([]byte(form)))
			add(base64.RawStdEncoding.EncodeToString([]byte(form)))
			add(base64.URLEncoding.EncodeToString([]byte(form)))
			add(base64.RawURLEncoding.EncodeToString([]byte(form)))
		}
		add(sec)
		add(strings.TrimRight(sec, "="))
		if k, err := c.Secret.Key(); err == nil && printable(string(k)) {
			add(string(k))
		}
	}
	return strings.NewReplacer(pairs...)
}

// recordLine is the attempt as one JSON line, scrubbed of every secret form.
func (p *Proxy) recordLine(a Attempt) ([]byte, error) {
	return p.scrub.JSON(p.scrub.Attempt(a))
}

// Outcome is how an attempt ended, as the record names it.
type Outcome string

// Outcomes of an attempt.
const (
	OutAnswered   Outcome = "answered"    // a whole answer was sent
	OutPartial    Outcome = "partial"     // part of an answer, then the connection ended
	OutReset      Outcome = "reset"       // connection reset (TCP RST), no answer
	OutClosed     Outcome = "closed"      // connection closed, no answer
	OutHung       Outcome = "hung"        // no answer until the client left or max-hang
	OutLost       Outcome = "lost"        // the upstream executed, the answer was dropped
	OutClientGone Outcome = "client_gone" // the client hung up before the answer
	OutProxyError Outcome = "proxy_error" // the proxy's own failure (Vcheck-Proxy-Error)
)

// finish completes the record of an attempt and stores it.
func (p *Proxy) finish(s *session, ac *attemptCtx) {
	a := &ac.a
	a.DurationMS = ms(p.cfg.Now().Sub(ac.start))
	if ns := ac.hungUpNS.Load(); ns > 0 {
		v := ms(time.Duration(ns))
		a.ClientHungUpMS = &v
		if a.Outcome == "" {
			a.Outcome = OutClientGone
		}
	}
	// Scrubbed before it is stored: the admin API, the record and the kit
	// all show this one copy.
	*a = p.scrub.Attempt(*a)
	s.mu.Lock()
	if len(s.attempts) < MaxAttempts {
		s.attempts = append(s.attempts, *a)
	} else {
		s.dropped++
	}
	s.mu.Unlock()
	if p.cfg.Record != nil {
		line, err := p.recordLine(*a)
		if err == nil {
			p.recMu.Lock()
			_, _ = p.cfg.Record.Write(line)
			p.recMu.Unlock()
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
