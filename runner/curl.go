package runner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// SignArgs returns the `vcheck sign` arguments that recompute, at the
// moment a reproduction runs, the x-timestamp and Authorization headers of
// r, defect included: the credentials come from SINCH_APPLICATION_KEY and
// SINCH_APPLICATION_SECRET, so no reproduction line holds a secret or an
// Authorization value. `vcheck sign` parses exactly these arguments.
func SignArgs(r conformance.Request) []string {
	args := []string{"-X", r.Method, "--path", r.Path}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		args = append(args, "--content-type", ct)
	}
	if len(r.Body) > 0 {
		args = append(args, "--data", string(r.Body))
	}
	a := r.Auth
	if a.Scheme != "" && a.Scheme != conformance.AuthSigned {
		args = append(args, "--auth", string(a.Scheme))
	}
	if a.Template != "" {
		args = append(args, "--template", a.Template)
	}
	if a.Key != "" {
		args = append(args, "--key", a.Key)
	}
	if !a.Secret.IsZero() {
		args = append(args, "--wrong-secret")
	}
	o := a.Sign
	if o.Method != "" {
		args = append(args, "--sign-method", o.Method)
	}
	if o.Path != "" {
		args = append(args, "--sign-path", o.Path)
	}
	if o.ContentType != "" {
		args = append(args, "--sign-content-type", o.ContentType)
	}
	if o.OverrideBody {
		args = append(args, "--sign-data", string(o.Body))
	}
	if o.TimestampShift != 0 {
		args = append(args, "--sign-shift", o.TimestampShift.String())
	}
	if o.FlipBit != 0 {
		args = append(args, "--flip-bit", strconv.Itoa(o.FlipBit))
	}
	ts := r.Timestamp
	switch {
	case ts.Omit:
		args = append(args, "--no-timestamp")
	case ts.Empty:
		args = append(args, "--empty-timestamp")
	case ts.Literal != "":
		args = append(args, "--timestamp", ts.Literal)
	}
	if ts.Layout != "" {
		args = append(args, "--timestamp-layout", ts.Layout)
	}
	if ts.Offset != 0 {
		args = append(args, "--timestamp-offset", ts.Offset.String())
	}
	return args
}

// Curl returns shell lines that reproduce a case against baseURL: each
// setup step and then the request under test, each as
// `vcheck sign ... | curl -K - ...`, so the headers are signed when the
// line runs. Values captured from a setup answer appear as {name}: the
// line before says where to read them.
func Curl(command, baseURL string, c conformance.Case) string {
	var lines []string
	for _, st := range c.Setup {
		lines = append(lines, curlLine(command, baseURL, st.Request))
		names := make([]string, 0, len(st.Capture))
		for name, field := range st.Capture {
			names = append(names, fmt.Sprintf("{%s} is the %q of this answer", name, field))
		}
		sort.Strings(names)
		if len(names) > 0 {
			lines = append(lines, "# "+strings.Join(names, "; "))
		}
	}
	lines = append(lines, curlLine(command, baseURL, c.Request))
	return strings.Join(lines, "\n")
}

func curlLine(command, baseURL string, r conformance.Request) string {
	var b strings.Builder
	b.WriteString(command + " sign")
	for _, a := range SignArgs(r) {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString(" | curl -sS -K - -X " + shellQuote(r.Method) + " " + shellQuote(baseURL+escapePath(r.Path)))
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if len(r.Body) > 0 {
		b.WriteString(" --data-binary " + shellQuote(string(r.Body)))
	}
	return b.String()
}

// escapePath percent-encodes a decoded path the way Go's client sends it.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '{' || c == '}' || isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+@%,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// record describes a request without secrets: the Authorization header is
// replaced by its shape, never its value.
func record(r conformance.Request) RequestRecord {
	rec := RequestRecord{Method: r.Method, Path: r.Path, Body: string(r.Body), Headers: map[string]string{}}
	for k, vs := range r.Header {
		rec.Headers[k] = strings.Join(vs, ", ")
	}
	rec.Headers["Authorization"] = authShape(r.Auth)
	switch ts := r.Timestamp; {
	case ts.Omit:
	case ts.Empty:
		rec.Headers["x-timestamp"] = ""
	case ts.Literal != "":
		rec.Headers["x-timestamp"] = ts.Literal
	case ts.Offset != 0:
		rec.Headers["x-timestamp"] = "<send time " + signed(ts.Offset) + ">"
	default:
		rec.Headers["x-timestamp"] = "<send time>"
	}
	if r.Auth.Scheme == conformance.AuthNone {
		delete(rec.Headers, "Authorization")
	}
	return rec
}

func signed(d interface{ String() string }) string {
	s := d.String()
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

func authShape(a conformance.Auth) string {
	key := "$SINCH_APPLICATION_KEY"
	if a.Key != "" {
		key = a.Key
	}
	switch a.Scheme {
	case conformance.AuthBasic:
		if !a.Secret.IsZero() {
			return "Basic <base64 of " + key + ":a wrong secret>"
		}
		return "Basic <base64 of " + key + ":$SINCH_APPLICATION_SECRET>"
	case conformance.AuthRaw:
		return "<raw: " + a.Template + ">"
	case conformance.AuthNone:
		return ""
	}
	s := string(contracts.SchemeApplication) + " " + key + ":<signature"
	o := a.Sign
	var parts []string
	if !a.Secret.IsZero() {
		parts = append(parts, "a wrong secret")
	}
	if o.Method != "" {
		parts = append(parts, "method "+o.Method)
	}
	if o.Path != "" {
		parts = append(parts, "path "+o.Path)
	}
	if o.ContentType != "" {
		parts = append(parts, "content type "+o.ContentType)
	}
	if o.OverrideBody {
		parts = append(parts, "another body")
	}
	if o.TimestampShift != 0 {
		parts = append(parts, "timestamp "+signed(o.TimestampShift))
	}
	if o.FlipBit != 0 {
		parts = append(parts, "bit "+strconv.Itoa(o.FlipBit)+" flipped")
	}
	if len(parts) > 0 {
		s += " over " + strings.Join(parts, ", ")
	}
	return s + ">"
}
