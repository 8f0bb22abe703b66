package fuzz

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/vcheck/vcheck/contracts"
)

// FuzzSignVerify signs a request with contracts.SignRequest and checks that
// a Verifier holding the credentials accepts it, and that changing any one
// signed part (method, decoded path, body, Content-Type, x-timestamp, key,
// one bit of the signature, the secret) makes it refuse. Inputs that are not
// a valid HTTP request or valid credentials return early.
func FuzzSignVerify(f *testing.F) {
	f.Add("DELETE", "/a", "", []byte{}, int64(0), "k", "AA==")
	f.Add("get", "/verification/v1/verifications/id/%2F", "text/plain", []byte("x"), int64(-1), "k-1", "AAAA")
	f.Fuzz(func(t *testing.T, method, path, contentType string, body []byte, unixMilli int64, key, secret string) {
		if !strings.HasPrefix(path, "/") || key == "" || strings.ContainsFunc(key, notInKey) {
			return // a resource is a path; see notInKey
		}
		cred := contracts.Credentials{Key: key, Secret: contracts.NewSecret(secret)}
		hmacKey, err := cred.Secret.Key()
		if err != nil {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+path, bytes.NewReader(body))
		if err != nil {
			return // not a method token, or not a URL
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		now := timestampRange(unixMilli)
		if err := contracts.SignRequest(req, nil, cred, now); err != nil {
			t.Fatalf("SignRequest: %v", err)
		}
		sent, err := io.ReadAll(req.Body)
		if err != nil || !bytes.Equal(sent, body) {
			t.Fatalf("after SignRequest the body reads %q, %v; want %q", sent, err, body)
		}

		v := &contracts.Verifier{Credentials: []contracts.Credentials{cred}, Now: func() time.Time { return now }}
		if got, err := v.Verify(req, body); err != nil || got != key {
			t.Fatalf("Verify of the signed request = %q, %v; want %q", got, err, key)
		}
		refuse := func(change string, want contracts.AuthFailure, v *contracts.Verifier, req *http.Request, body []byte) {
			t.Helper()
			_, err := v.Verify(req, body)
			var ae *contracts.AuthError
			if !errors.As(err, &ae) || ae.Failure != want {
				t.Fatalf("%s: Verify = %v, want %s", change, err, want)
			}
		}
		clone := func(edit func(r *http.Request)) *http.Request {
			r := req.Clone(req.Context())
			edit(r)
			return r
		}

		otherMethod := http.MethodPost
		if method == otherMethod {
			otherMethod = http.MethodPut
		}
		refuse("method", contracts.FailureSignatureMismatch, v, clone(func(r *http.Request) { r.Method = otherMethod }), body)
		refuse("path", contracts.FailureSignatureMismatch, v, clone(func(r *http.Request) {
			u := *r.URL
			u.Path, u.RawPath = u.Path+"x", ""
			r.URL = &u
		}), body)
		otherBody := append([]byte{}, body...)
		if len(otherBody) == 0 {
			otherBody = []byte("{}")
		} else {
			otherBody[len(otherBody)-1] ^= 1
		}
		refuse("body", contracts.FailureSignatureMismatch, v, req, otherBody)
		refuse("content type", contracts.FailureSignatureMismatch, v, clone(func(r *http.Request) { r.Header.Set("Content-Type", contentType+"x") }), body)
		refuse("timestamp", contracts.FailureSignatureMismatch, v, clone(func(r *http.Request) {
			r.Header.Set(contracts.HeaderTimestamp, now.Add(-time.Millisecond).Format(contracts.TimestampLayout))
		}), body)

		scheme, credentials, _ := strings.Cut(req.Header.Get("Authorization"), " ")
		_, signature, _ := strings.Cut(credentials, ":")
		refuse("key", contracts.FailureUnknownKey, v, clone(func(r *http.Request) {
			r.Header.Set("Authorization", scheme+" "+key+"x:"+signature)
		}), body)
		raw, err := base64.StdEncoding.DecodeString(signature)
		if err != nil || len(raw) != 32 {
			t.Fatalf("signature %q is not the base64 of 32 bytes", signature)
		}
		raw[int(uint64(unixMilli)%32)] ^= 1 << (uint64(unixMilli) % 8)
		refuse("signature bit", contracts.FailureSignatureMismatch, v, clone(func(r *http.Request) {
			r.Header.Set("Authorization", scheme+" "+key+":"+base64.StdEncoding.EncodeToString(raw))
		}), body)
		hmacKey[0] ^= 1
		other := &contracts.Verifier{Credentials: []contracts.Credentials{{Key: key, Secret: contracts.NewSecret(base64.StdEncoding.EncodeToString(hmacKey))}}, Now: v.Now}
		refuse("secret", contracts.FailureSignatureMismatch, other, req, body)
	})
}

// notInKey reports the runes an application key cannot hold: the colon
// that ends it in "Application KEY:SIGNATURE", and white space and control
// characters, which a header value cannot carry around the key.
func notInKey(r rune) bool { return r == ':' || unicode.IsSpace(r) || unicode.IsControl(r) }

// timestampRange folds any int64 of milliseconds into the instants an
// x-timestamp can say (years 0000 to 9999), one millisecond in from either
// end, so that a timestamp a millisecond earlier is valid too.
func timestampRange(ms int64) time.Time {
	lo := time.Date(0, 1, 1, 0, 0, 0, 1e6, time.UTC).UnixMilli()
	hi := time.Date(9999, 12, 31, 23, 59, 59, 998e6, time.UTC).UnixMilli()
	span := hi - lo + 1
	return time.UnixMilli(lo + ((ms%span)+span)%span).UTC()
}
