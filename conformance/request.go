package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// AuthScheme says how a Request authenticates.
type AuthScheme string

// The ways a Request authenticates.
const (
	// AuthSigned signs with the Application scheme at send time.
	AuthSigned AuthScheme = "signed"
	// AuthBasic sends Basic base64(key:secret).
	AuthBasic AuthScheme = "basic"
	// AuthNone sends no Authorization header.
	AuthNone AuthScheme = "none"
	// AuthRaw sends Auth.Template with its placeholders filled in.
	AuthRaw AuthScheme = "raw"
)

// Placeholders of Auth.Template, filled in at send time. None of them is the
// secret itself.
const (
	// PlaceholderKey is the credentials' application key.
	PlaceholderKey = "{key}"
	// PlaceholderSignature is the honest Application signature of the request.
	PlaceholderSignature = "{signature}"
	// PlaceholderBasic is base64(key:secret), the honest Basic credentials.
	PlaceholderBasic = "{basic}"
)

// Auth is how a Request authenticates, stated as data so that a Case prints
// and compares; the header value is computed at send time.
type Auth struct {
	Scheme AuthScheme
	// Template is the Authorization value for AuthRaw, with placeholders.
	Template string
	// Key, when set, replaces the credentials' key (an unknown key).
	Key string
	// Secret, when set, replaces the credentials' secret: the signature
	// (AuthSigned) or the Basic credentials (AuthBasic) use it (a wrong
	// secret). It prints as REDACTED like every contracts.Secret.
	Secret contracts.Secret
	// Sign, for AuthSigned, computes the signature over other parts than
	// the ones sent (a signature that does not match the request).
	Sign SignOverride
}

// SignOverride lists the parts of a request that the signature is computed
// over instead of the ones sent. The zero value signs honestly.
type SignOverride struct {
	// Method, Path and ContentType, when not empty, are signed instead.
	Method, Path, ContentType string
	// Body is signed instead of the body sent when OverrideBody is set.
	Body         []byte
	OverrideBody bool
	// TimestampShift, when not zero, signs x-timestamp + shift while the
	// header carries the unshifted value.
	TimestampShift time.Duration
	// FlipBit, when 1 to 256, flips bit FlipBit-1 of the decoded signature.
	FlipBit int
}

// Timestamp is how a Request's x-timestamp is made at send time. The zero
// value sends the send time in contracts.TimestampLayout.
type Timestamp struct {
	// Omit sends no x-timestamp header (the signature covers "").
	Omit bool
	// Literal, when set, is sent (and signed) verbatim; Empty sends "".
	Literal string
	Empty   bool
	// Layout, when set, formats the time with this Go layout, or as Unix
	// seconds when it is LayoutUnix.
	Layout string
	// Offset moves the time sent away from the send time.
	Offset time.Duration
}

// LayoutUnix formats x-timestamp as Unix seconds.
const LayoutUnix = "unix"

// value returns the header value and whether to send the header.
func (ts Timestamp) value(now time.Time) (string, bool) {
	switch {
	case ts.Omit:
		return "", false
	case ts.Empty:
		return "", true
	case ts.Literal != "":
		return ts.Literal, true
	}
	t := now.Add(ts.Offset).UTC()
	switch ts.Layout {
	case "":
		return t.Format(contracts.TimestampLayout), true
	case LayoutUnix:
		return fmt.Sprint(t.Unix()), true
	}
	return t.Format(ts.Layout), true
}

// Request is one HTTP request of a Case, without its Authorization and
// x-timestamp, which Build computes at send time so that the same seed gives
// the same bytes except those two headers.
type Request struct {
	Method string
	// Path is the decoded resource path; {name} placeholders are filled
	// from the values captured by earlier steps (see Step.Capture).
	Path string
	// Header holds the other headers (Content-Type); never Authorization
	// or x-timestamp.
	Header    http.Header
	Body      []byte
	Auth      Auth
	Timestamp Timestamp
}

// Vars are values captured from earlier answers, by placeholder name.
type Vars map[string]string

// ResolvePath fills the path's {name} placeholders from vars. It fails when a
// placeholder has no value.
func (r Request) ResolvePath(vars Vars) (string, error) {
	p := r.Path
	for i := 0; i < 8 && strings.Contains(p, "{"); i++ {
		start := strings.Index(p, "{")
		end := strings.Index(p[start:], "}")
		if end < 0 {
			break
		}
		name := p[start+1 : start+end]
		v, ok := vars[name]
		if !ok {
			return "", fmt.Errorf("path %s: no value for {%s}", r.Path, name)
		}
		p = p[:start] + v + p[start+end+1:]
	}
	return p, nil
}

// Build makes the *http.Request to send to baseURL (scheme, host and an
// optional path prefix, which is sent but not signed) at time now: it fills
// the path from vars, sets x-timestamp and computes Authorization from cred.
// Build never puts the secret in anything but the Basic header it is asked
// to send.
func (r Request) Build(ctx context.Context, baseURL string, cred contracts.Credentials, now time.Time, vars Vars) (*http.Request, error) {
	path, err := r.ResolvePath(vars)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	prefix := strings.TrimSuffix(u.Path, "/")
	u.Path = prefix + path
	u.RawPath = ""
	u.RawQuery = ""
	var body *bytes.Reader
	if len(r.Body) > 0 {
		body = bytes.NewReader(r.Body)
	}
	var req *http.Request
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	} else {
		req, err = http.NewRequestWithContext(ctx, r.Method, u.String(), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", r.Method, path, err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	ts, sendTS := r.Timestamp.value(now)
	if sendTS {
		req.Header.Set(contracts.HeaderTimestamp, ts)
	}
	auth, err := r.authorization(cred, path, ts, now)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", r.Method, path, err)
	}
	if auth != "" || r.Auth.Scheme == AuthRaw {
		req.Header["Authorization"] = []string{auth}
	}
	return req, nil
}

// authorization computes the Authorization value; "" means no header.
func (r Request) authorization(cred contracts.Credentials, path, ts string, now time.Time) (string, error) {
	key, secret := cred.Key, cred.Secret
	if r.Auth.Key != "" {
		key = r.Auth.Key
	}
	if !r.Auth.Secret.IsZero() {
		secret = r.Auth.Secret
	}
	switch r.Auth.Scheme {
	case AuthNone:
		return "", nil
	case AuthBasic:
		return contracts.BasicAuthorization(contracts.Credentials{Key: key, Secret: secret}), nil
	case AuthSigned, "":
		sig, err := r.signature(contracts.Credentials{Key: key, Secret: secret}, path, ts, now)
		if err != nil {
			return "", err
		}
		return string(contracts.SchemeApplication) + " " + key + ":" + sig, nil
	case AuthRaw:
		sig, err := r.signature(cred, path, ts, now)
		if err != nil {
			return "", err
		}
		basic := strings.TrimPrefix(contracts.BasicAuthorization(cred), string(contracts.SchemeBasic)+" ")
		return strings.NewReplacer(PlaceholderKey, cred.Key, PlaceholderSignature, sig, PlaceholderBasic, basic).Replace(r.Auth.Template), nil
	}
	return "", fmt.Errorf("unknown auth scheme %q", r.Auth.Scheme)
}

// signature is the Application signature with the overrides applied.
func (r Request) signature(cred contracts.Credentials, path, ts string, now time.Time) (string, error) {
	o := r.Auth.Sign
	method, ct, body := r.Method, r.Header.Get("Content-Type"), r.Body
	if o.Method != "" {
		method = o.Method
	}
	if o.Path != "" {
		path = o.Path
	}
	if o.ContentType != "" {
		ct = o.ContentType
	}
	if o.OverrideBody {
		body = o.Body
	}
	if o.TimestampShift != 0 {
		t := now.Add(r.Timestamp.Offset).Add(o.TimestampShift).UTC()
		ts = t.Format(contracts.TimestampLayout)
	}
	s, err := contracts.Sign(cred, method, path, ct, ts, body)
	if err != nil {
		return "", err
	}
	if o.FlipBit >= 1 && o.FlipBit <= 256 {
		raw, err := base64.StdEncoding.DecodeString(s.Signature)
		if err != nil || len(raw)*8 < o.FlipBit {
			return "", fmt.Errorf("flip bit %d: unexpected signature", o.FlipBit)
		}
		i := o.FlipBit - 1
		raw[i/8] ^= 1 << (i % 8)
		return base64.StdEncoding.EncodeToString(raw), nil
	}
	return s.Signature, nil
}
