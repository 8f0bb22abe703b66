package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
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
	// Outcome is answered, partial, reset, closed, hung, lost, client_gone
	// or proxy_error.
	Outcome string `json:"outcome"`
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
	ProxyError string  `json:"proxy_error,omitempty"`
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
	if strings.EqualFold(scheme, contracts.SchemeApplication) {
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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	return []byte(p.scrub.Replace(buf.String())), nil
}
