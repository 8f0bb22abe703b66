package contracts

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
)

// Secret is an application secret. It cannot print: String, GoString,
// Format, MarshalJSON, MarshalText and LogValue all give "REDACTED", so a
// Secret that reaches a log, a report or an error message shows nothing.
// The value sits behind a pointer, so that even where fmt cannot call those
// methods (a Secret in an unexported struct field, printed with %v) it
// prints an address, never the value. Make one with NewSecret; use Reveal
// where the value itself is needed (signing, Basic auth). The zero Secret
// is empty. Secrets are not comparable with == (that would compare
// pointers); compare what Reveal returns, in constant time where it
// matters.
type Secret struct {
	_ [0]func() // not comparable
	v *string
}

// NewSecret returns v as a Secret.
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{v: &v}
}

const redacted = "REDACTED"

func (Secret) String() string                  { return redacted }
func (Secret) GoString() string                { return redacted }
func (Secret) Format(f fmt.State, _ rune)      { _, _ = f.Write([]byte(redacted)) }
func (Secret) MarshalText() ([]byte, error)    { return []byte(redacted), nil }
func (Secret) MarshalJSON() ([]byte, error)    { return []byte(`"` + redacted + `"`), nil }
func (Secret) LogValue() slog.Value            { return slog.StringValue(redacted) }
func (s *Secret) UnmarshalText(b []byte) error { *s = NewSecret(string(b)); return nil }

// Reveal returns the secret's value.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// Key decodes the secret into the HMAC key. The docs say the secret is
// base64; the official SDKs differ in how strictly they decode it (facts.md
// section 2: padding optional in Java, URL-safe accepted in Node), so Key
// accepts standard or URL-safe base64, with or without padding. Line breaks
// are ignored, as base64 decoders do; a secret that decodes to no bytes is
// an error, never an empty HMAC key.
func (s Secret) Key() ([]byte, error) { return s.appendKey(nil) }

// appendKey appends the key Key returns to dst: into dst's spare capacity,
// so that the signing path decodes it on the stack.
func (s Secret) appendKey(dst []byte) ([]byte, error) {
	v := s.Reveal()
	if strings.ContainsAny(v, "\r\n") {
		v = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, v)
	}
	v = strings.TrimRight(v, "=")
	if v == "" {
		return nil, fmt.Errorf("application secret is empty")
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.AppendDecode(dst, []byte(v)); err == nil {
			return k, nil
		}
	}
	return nil, fmt.Errorf("application secret is not base64 (%d characters)", len(s.Reveal()))
}

// Credentials are an application key and secret.
type Credentials struct {
	Key    string
	Secret Secret
}
