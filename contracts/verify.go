package contracts

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AuthFailure names the part of a request's authentication that failed.
type AuthFailure string

// The ways authentication fails, in the order Verifier checks them.
const (
	FailureNoAuthorization   AuthFailure = "no-authorization"      // no Authorization header at all
	FailureMalformed         AuthFailure = "malformed-header"      // unknown scheme, no colon, empty key, signature not base64
	FailureUnknownKey        AuthFailure = "unknown-key"           // Application scheme, key not known
	FailureBadBasic          AuthFailure = "bad-basic-credentials" // Basic scheme, key or secret wrong
	FailureNoTimestamp       AuthFailure = "missing-timestamp"     // x-timestamp absent or empty
	FailureInvalidTimestamp  AuthFailure = "invalid-timestamp"     // x-timestamp not ISO-8601
	FailureSkewedTimestamp   AuthFailure = "skewed-timestamp"      // x-timestamp outside the allowed skew
	FailureSignatureMismatch AuthFailure = "signature-mismatch"    // well-formed, but another signature
)

// AuthError says why a request's authentication was refused.
type AuthError struct {
	Failure AuthFailure
	// Detail explains the failure; it never contains a secret or a signature.
	Detail string
}

func (e *AuthError) Error() string { return "authentication: " + string(e.Failure) + ": " + e.Detail }

// Authorization is a parsed Authorization header.
type Authorization struct {
	// Scheme is SchemeApplication or SchemeBasic.
	Scheme Scheme
	// Key is the application key.
	Key string
	// Signature is the Application scheme's base64 signature.
	Signature string
	// Secret is the Basic scheme's secret.
	Secret Secret
}

// ParseAuthorization parses an Authorization header value. It accepts
// "Application KEY:SIGNATURE" with a base64 HMAC-SHA256 signature and
// "Basic base64(KEY:SECRET)". Scheme names are case-insensitive (RFC 9110);
// anything else fails with FailureMalformed (or FailureNoAuthorization for
// an empty value). It never panics.
func ParseAuthorization(value string) (Authorization, error) {
	a, _, err := parseAuthorization(value)
	return a, err
}

// parseAuthorization is ParseAuthorization that also returns the decoded
// signature of the Application scheme.
func parseAuthorization(value string) (Authorization, [sha256.Size]byte, error) {
	var none [sha256.Size]byte
	if value == "" {
		return Authorization{}, none, &AuthError{FailureNoAuthorization, "no Authorization header"}
	}
	malformed := func(format string, args ...any) (Authorization, [sha256.Size]byte, error) {
		return Authorization{}, none, &AuthError{FailureMalformed, fmt.Sprintf(format, args...)}
	}
	scheme, rest, ok := strings.Cut(value, " ")
	if !ok {
		return malformed("want \"Application KEY:SIGNATURE\" or \"Basic CREDENTIALS\", got no space after the scheme")
	}
	if rest == "" || rest != strings.TrimSpace(rest) || strings.ContainsAny(rest, " \t") {
		return malformed("unexpected white space in the credentials")
	}
	switch {
	case asciiEqualFold(scheme, string(SchemeApplication)):
		key, sig, ok := strings.Cut(rest, ":")
		switch {
		case !ok:
			return malformed("Application credentials need KEY:SIGNATURE, got no colon")
		case key == "":
			return malformed("empty application key")
		case sig == "":
			return malformed("empty signature")
		}
		raw, ok := decodeSignature(sig)
		if !ok {
			return malformed("the signature is not the base64 of a 32-byte HMAC-SHA256")
		}
		return Authorization{Scheme: SchemeApplication, Key: key, Signature: sig}, raw, nil
	case asciiEqualFold(scheme, string(SchemeBasic)):
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return malformed("Basic credentials are not base64")
		}
		key, secret, ok := strings.Cut(string(raw), ":")
		switch {
		case !ok:
			return malformed("Basic credentials need KEY:SECRET, got no colon")
		case key == "":
			return malformed("empty application key")
		}
		return Authorization{Scheme: SchemeBasic, Key: key, Secret: NewSecret(secret)}, none, nil
	}
	return malformed("unknown scheme %q (want Application or Basic)", truncate(scheme, 32))
}

// decodeSignature decodes a base64 HMAC-SHA256 as base64.StdEncoding's
// DecodeString does, on the stack when it is no longer than a signature
// with room to spare; ok is false unless it is valid and 32 bytes long.
func decodeSignature(sig string) (out [sha256.Size]byte, ok bool) {
	var src [64]byte
	var dst [48]byte // base64.StdEncoding.DecodedLen(len(src))
	if len(sig) > len(src) {
		b, err := base64.StdEncoding.DecodeString(sig)
		if err != nil || len(b) != sha256.Size {
			return out, false
		}
		return [sha256.Size]byte(b), true
	}
	n := copy(src[:], sig)
	k, err := base64.StdEncoding.Decode(dst[:], src[:n])
	if err != nil || k != sha256.Size {
		return out, false
	}
	return [sha256.Size]byte(dst[:sha256.Size]), true
}

// asciiEqualFold is case-insensitive comparison for tokens, which are ASCII
// (RFC 9110 section 5.6.2): strings.EqualFold would also take "Baſic" (long
// s) for "Basic".
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// canonicalTimestamp is HeaderTimestamp in the canonical form http.Header
// keys take: looking it up so costs no canonicalising allocation.
const canonicalTimestamp = "X-Timestamp"

// DefaultMaxSkew is how far x-timestamp may be from the server's clock. The
// docs say only that the timestamp "is used to determine that the request is
// not too old" and give no number (facts.md section 2), so vcheck picks 15
// minutes, configurable.
const DefaultMaxSkew = 15 * time.Minute

// Verifier checks the authentication of incoming requests, as the API does.
// The zero value accepts no key. A Verifier is safe for concurrent use once
// configured.
type Verifier struct {
	// Credentials are the applications the server knows.
	Credentials []Credentials
	// MaxSkew bounds |x-timestamp - now|; 0 means DefaultMaxSkew.
	MaxSkew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks req's authentication given its exact body and returns the
// application key it authenticated, or an *AuthError naming the failure.
// The checks run in this order, and the first failure wins:
//
//  1. no Authorization header: FailureNoAuthorization
//  2. unknown scheme or malformed credentials: FailureMalformed
//  3. Basic: wrong key or secret: FailureBadBasic (no timestamp needed)
//  4. Application: unknown key: FailureUnknownKey
//  5. x-timestamp absent, not ISO-8601, or outside MaxSkew:
//     FailureNoTimestamp, FailureInvalidTimestamp, FailureSkewedTimestamp
//  6. signature: FailureSignatureMismatch
//
// The signature is accepted when it matches the request's Content-Type as
// sent and any resource form an official SDK signs: the decoded path, the
// path as sent, or either with the query (facts.md section 2).
func (v *Verifier) Verify(req *http.Request, body []byte) (string, error) {
	auth, got, err := parseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		return "", err
	}
	if auth.Scheme == SchemeBasic {
		for _, c := range v.Credentials {
			if subtle.ConstantTimeCompare([]byte(c.Key), []byte(auth.Key)) == 1 &&
				subtle.ConstantTimeCompare([]byte(c.Secret.Reveal()), []byte(auth.Secret.Reveal())) == 1 {
				return c.Key, nil
			}
		}
		return "", &AuthError{FailureBadBasic, "unknown application key or wrong secret"}
	}
	var secret Secret
	found := false
	for _, c := range v.Credentials {
		if c.Key == auth.Key {
			secret, found = c.Secret, true
			break
		}
	}
	if !found {
		return "", &AuthError{FailureUnknownKey, fmt.Sprintf("unknown application key %q", truncate(auth.Key, 64))}
	}
	ts := req.Header.Get(canonicalTimestamp)
	if err := v.checkTimestamp(ts); err != nil {
		return "", err
	}
	var kb [sha256.BlockSize]byte
	key, err := secret.appendKey(kb[:0])
	if err != nil {
		return "", &AuthError{FailureUnknownKey, "the server's secret for this key is unusable"}
	}
	// The string to sign is written once up to the resource, after the
	// inner pad; each resource form replaces only its tail.
	p := newPads(key)
	var md [md5Size]byte
	buf := make([]byte, 0, macStack)
	buf = append(buf, p.ipad[:]...)
	buf = appendPrefix(buf, req.Method, contentMD5(&md, body), req.Header.Get("Content-Type"), ts)
	prefix := len(buf)
	forms, n := resourceForms(req)
	for _, f := range forms[:n] {
		buf = appendResource(buf[:prefix], f.path, f.query)
		if want := p.sum(buf); hmac.Equal(got[:], want[:]) {
			return auth.Key, nil
		}
	}
	return "", &AuthError{FailureSignatureMismatch, "the signature does not match the request"}
}

func (v *Verifier) checkTimestamp(ts string) error {
	if strings.TrimSpace(ts) == "" {
		return &AuthError{FailureNoTimestamp, "x-timestamp header is missing"}
	}
	t, err := ParseTimestamp(ts)
	if err != nil {
		return &AuthError{FailureInvalidTimestamp, err.Error()}
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	if d := now.Sub(t); d > skew || d < -skew {
		return &AuthError{FailureSkewedTimestamp, fmt.Sprintf("x-timestamp is %s away from the server's clock; at most %s is allowed", d.Round(time.Second).Abs(), skew)}
	}
	return nil
}

// ParseTimestamp parses an x-timestamp: ISO-8601 (RFC 3339) date and time
// with or without fractional seconds (the SDKs send 0, 3 or 7 digits) and
// with Z or a numeric offset (the Python SDK sends +00:00).
func ParseTimestamp(ts string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, fmt.Errorf("x-timestamp %q is not ISO-8601 like 2014-06-04T13:41:58Z", truncate(ts, 64))
	}
	return t, nil
}

// resource is one form of a request's resource: path, and "?" query when
// query is not empty.
type resource struct{ path, query string }

// resourceForms lists the resource forms the official SDKs sign for req,
// without duplicates: the decoded path, the path as sent, and either with
// the query when there is one. They are returned in an array, so that
// listing them allocates nothing; n says how many there are.
func resourceForms(req *http.Request) (forms [4]resource, n int) {
	path, escaped, query := req.URL.Path, req.URL.EscapedPath(), req.URL.RawQuery
	candidates := [...]resource{{path, ""}, {escaped, ""}, {path, query}, {escaped, query}}
	m := 2
	if query != "" {
		m = 4
	}
	for _, f := range candidates[:m] {
		if !slices.Contains(forms[:n], f) {
			forms[n] = f
			n++
		}
	}
	return forms, n
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
