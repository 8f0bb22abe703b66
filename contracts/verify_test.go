package contracts_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// verifyNow is the server's clock in these tests: the documented vectors'
// timestamp.
var verifyNow = time.Date(2014, 6, 4, 13, 41, 58, 0, time.UTC)

// sent is a request as it travels: what the Verifier sees.
type sent struct {
	method, target, contentType, timestamp, body string
}

// signedAs is what a signature covers.
type signedAs struct {
	cred                                       contracts.Credentials
	method, path, contentType, timestamp, body string
}

var (
	startSent   = sent{"POST", "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", startBody}
	startSigned = signedAs{credVoice, "POST", "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", startBody}
)

func (s signedAs) authorization(t *testing.T) string {
	t.Helper()
	out, err := contracts.Sign(s.cred, s.method, s.path, s.contentType, s.timestamp, []byte(s.body))
	require.NoError(t, err)
	return out.Authorization
}

// request builds the request; an empty field leaves its header out.
func (s sent) request(authorization string) *http.Request {
	req := httptest.NewRequest(s.method, s.target, strings.NewReader(s.body))
	if s.contentType != "" {
		req.Header.Set("Content-Type", s.contentType)
	}
	if s.timestamp != "" {
		req.Header.Set("x-timestamp", s.timestamp)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return req
}

func newVerifier() *contracts.Verifier {
	return &contracts.Verifier{
		Credentials: []contracts.Credentials{credVoice, credSMS},
		Now:         func() time.Time { return verifyNow },
	}
}

func flipBit(t *testing.T, authorization string) string {
	t.Helper()
	prefix, sig, ok := strings.Cut(authorization, ":")
	require.True(t, ok)
	raw, err := base64.StdEncoding.DecodeString(sig)
	require.NoError(t, err)
	raw[17] ^= 0x04
	return prefix + ":" + base64.StdEncoding.EncodeToString(raw)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	with := func(s signedAs, change func(*signedAs)) signedAs { change(&s); return s }
	withSent := func(s sent, change func(*sent)) sent { change(&s); return s }
	good := startSigned.authorization(t)
	basic := func(key, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"+secret))
	}
	at := func(d time.Duration, layout string) string { return verifyNow.Add(d).UTC().Format(layout) }
	signedAt := func(ts string) (sent, string) {
		s := withSent(startSent, func(s *sent) { s.timestamp = ts })
		return s, with(startSigned, func(s *signedAs) { s.timestamp = ts }).authorization(t)
	}
	const refDecoded, refSent = "/verification/v1/verifications/reference/my ref", "/verification/v1/verifications/reference/my%20ref"
	refReq := sent{"GET", refSent, "application/json", "2014-06-04T13:41:58Z", ""}

	type row struct {
		name   string
		req    sent
		auth   string
		want   contracts.AuthFailure // "" is accepted
		reason string
	}
	rows := []row{
		{"documented vector", startSent, good, "", "facts.md section 2"},
		{"no header", startSent, "", contracts.FailureNoAuthorization, "erratum 7: 40104 (or 40100)"},
		{"unknown scheme", startSent, "Bearer abc", contracts.FailureMalformed, "Application or Basic only"},
		{"scheme only", startSent, "Application", contracts.FailureMalformed, "no credentials"},
		{"lowercase scheme", startSent, strings.Replace(good, "Application", "application", 1), "", "RFC 9110: scheme names are case-insensitive"},
		{"uppercase scheme", startSent, strings.Replace(good, "Application", "APPLICATION", 1), "", "RFC 9110: scheme names are case-insensitive"},
		{"non-ASCII scheme", startSent, strings.Replace(basic(credVoice.Key, credVoice.Secret.Reveal()), "Basic", "Baſic", 1), contracts.FailureMalformed, "RFC 9110: a scheme is a token (ASCII); Unicode folding ſ to s is not case-insensitivity"},
		{"no colon", startSent, strings.Replace(good, ":", "", 1), contracts.FailureMalformed, "KEY:SIGNATURE"},
		{"empty key", startSent, "Application :" + strings.SplitN(good, ":", 2)[1], contracts.FailureMalformed, "KEY:SIGNATURE"},
		{"empty signature", startSent, "Application " + credVoice.Key + ":", contracts.FailureMalformed, "KEY:SIGNATURE"},
		{"signature not base64", startSent, "Application " + credVoice.Key + ":not*base64*at*all", contracts.FailureMalformed, "the signature is base64"},
		{"signature too short", startSent, "Application " + credVoice.Key + ":" + base64.StdEncoding.EncodeToString(make([]byte, 16)), contracts.FailureMalformed, "HMAC-SHA256 is 32 bytes"},
		{"two spaces", startSent, strings.Replace(good, " ", "  ", 1), contracts.FailureMalformed, "one space after the scheme"},
		{"space after the colon", startSent, strings.Replace(good, ":", ": ", 1), contracts.FailureMalformed, "no white space in the credentials"},
		{"trailing space", startSent, good + " ", contracts.FailureMalformed, "no white space in the credentials"},
		{"unknown key", startSent, with(startSigned, func(s *signedAs) { s.cred.Key = "00000000-0000-0000-0000-000000000000" }).authorization(t), contracts.FailureUnknownKey, "not an application the server knows"},
		{"unknown key before the timestamp", withSent(startSent, func(s *sent) { s.timestamp = "" }), "Application nobody:" + strings.SplitN(good, ":", 2)[1], contracts.FailureUnknownKey, "Verify's documented order"},
		{"Basic", withSent(startSent, func(s *sent) { s.timestamp = "" }), basic(credVoice.Key, credVoice.Secret.Reveal()), "", "facts.md section 2: Basic needs no timestamp"},
		{"Basic wrong key", startSent, basic("nobody", credVoice.Secret.Reveal()), contracts.FailureBadBasic, "unknown key"},
		{"Basic wrong secret", startSent, basic(credVoice.Key, credSMS.Secret.Reveal()), contracts.FailureBadBasic, "another application's secret"},
		{"Basic not base64", startSent, "Basic not*base64", contracts.FailureMalformed, "base64(key:secret)"},
		{"Basic no colon", startSent, "Basic " + base64.StdEncoding.EncodeToString([]byte(credVoice.Key)), contracts.FailureMalformed, "base64(key:secret)"},
		{"missing timestamp", withSent(startSent, func(s *sent) { s.timestamp = "" }), good, contracts.FailureNoTimestamp, "40101: X-Timestamp required"},
		{"non-ISO timestamp", withSent(startSent, func(s *sent) { s.timestamp = "Wed, 04 Jun 2014 13:41:58 GMT" }), good, contracts.FailureInvalidTimestamp, "ISO-8601 (facts.md section 2)"},
		{"Unix timestamp", withSent(startSent, func(s *sent) { s.timestamp = "1401889318" }), good, contracts.FailureInvalidTimestamp, "ISO-8601 (facts.md section 2)"},
		{"timestamp without zone", withSent(startSent, func(s *sent) { s.timestamp = "2014-06-04T13:41:58" }), good, contracts.FailureInvalidTimestamp, "UTC must be said"},
		{"signature over another body", startSent, with(startSigned, func(s *signedAs) { s.body = `{"method":"sms"}` }).authorization(t), contracts.FailureSignatureMismatch, "Content-MD5 is signed"},
		{"signature over no body", startSent, with(startSigned, func(s *signedAs) { s.body = "" }).authorization(t), contracts.FailureSignatureMismatch, "Content-MD5 is signed"},
		{"signature over another path", startSent, with(startSigned, func(s *signedAs) { s.path = "/verification/v1/verifications/id/1" }).authorization(t), contracts.FailureSignatureMismatch, "the resource is signed"},
		{"signature over another method", startSent, with(startSigned, func(s *signedAs) { s.method = "PUT" }).authorization(t), contracts.FailureSignatureMismatch, "the verb is signed"},
		{"signature over another timestamp", startSent, with(startSigned, func(s *signedAs) { s.timestamp = "2014-06-04T13:41:59Z" }).authorization(t), contracts.FailureSignatureMismatch, "x-timestamp is signed"},
		{"signature over another content type", startSent, with(startSigned, func(s *signedAs) { s.contentType = "application/json; charset=utf-8" }).authorization(t), contracts.FailureSignatureMismatch, "Content-Type is signed as sent"},
		{"flipped bit", startSent, flipBit(t, good), contracts.FailureSignatureMismatch, "one bit of the HMAC"},
		{"wrong secret", startSent, with(startSigned, func(s *signedAs) { s.cred.Secret = credSMS.Secret }).authorization(t), contracts.FailureSignatureMismatch, "the key is right, the secret is not"},
		{"lowercase method", withSent(startSent, func(s *sent) { s.method = "post" }), good, contracts.FailureSignatureMismatch, "the verb is signed as sent"},
		{
			"decoded path sent encoded", refReq,
			signedAs{credVoice, "GET", refDecoded, "application/json", "2014-06-04T13:41:58Z", ""}.authorization(t), "",
			"facts.md section 4: the Node SDK signs `my ref` and sends `my%20ref`",
		},
		{
			"encoded path", refReq,
			signedAs{credVoice, "GET", refSent, "application/json", "2014-06-04T13:41:58Z", ""}.authorization(t), "",
			"facts.md section 2: .NET signs the percent-encoded path",
		},
		{
			"path with query", sent{"GET", "/verification/v1/verifications/id/1?trace=1", "", "2014-06-04T13:41:58Z", ""},
			signedAs{credVoice, "GET", "/verification/v1/verifications/id/1?trace=1", "", "2014-06-04T13:41:58Z", ""}.authorization(t), "",
			"facts.md section 2: Python signs the URL minus origin",
		},
		{
			"path without query", sent{"GET", "/verification/v1/verifications/id/1?trace=1", "", "2014-06-04T13:41:58Z", ""},
			signedAs{credVoice, "GET", "/verification/v1/verifications/id/1", "", "2014-06-04T13:41:58Z", ""}.authorization(t), "",
			"facts.md section 2: Java signs the decoded path, no query",
		},
		{
			"another reference", refReq,
			signedAs{credVoice, "GET", "/verification/v1/verifications/reference/my-ref", "application/json", "2014-06-04T13:41:58Z", ""}.authorization(t), contracts.FailureSignatureMismatch,
			"only the forms of the path sent",
		},
	}
	for _, tc := range []struct {
		name   string
		ts     string
		want   contracts.AuthFailure
		reason string
	}{
		{"timestamp 0 fractional digits", "2014-06-04T13:41:58Z", "", "the documented form"},
		{"timestamp 3 fractional digits", "2014-06-04T13:41:58.123Z", "", "facts.md section 2: Java and Node send milliseconds"},
		{"timestamp 7 fractional digits", "2014-06-04T13:41:58.1234567Z", "", "facts.md section 2: .NET sends 7 digits"},
		{"timestamp +00:00", "2014-06-04T13:41:58+00:00", "", "facts.md section 2: Python sends +00:00"},
		{"timestamp +02:00", "2014-06-04T15:41:58+02:00", "", "the same instant"},
		{"timestamp 14 minutes old", at(-14*time.Minute, time.RFC3339), "", "within DefaultMaxSkew"},
		{"timestamp 15 minutes old", at(-15*time.Minute, time.RFC3339), "", "DefaultMaxSkew is inclusive"},
		{"timestamp 16 minutes old", at(-16*time.Minute, time.RFC3339), contracts.FailureSkewedTimestamp, `"not too old": 15 minutes (facts.md section 2)`},
		{"timestamp 16 minutes ahead", at(16*time.Minute, time.RFC3339), contracts.FailureSkewedTimestamp, "a clock ahead by more than the skew"},
		{"timestamp a day old", at(-24*time.Hour, time.RFC3339), contracts.FailureSkewedTimestamp, "a replayed request"},
	} {
		req, auth := signedAt(tc.ts)
		rows = append(rows, row{tc.name, req, auth, tc.want, tc.reason})
	}

	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			req := tt.req.request(tt.auth)
			key, err := newVerifier().Verify(req, []byte(tt.req.body))
			if tt.want == "" {
				require.NoError(t, err, tt.reason)
				assert.Equal(t, credVoice.Key, key)
				return
			}
			var ae *contracts.AuthError
			require.ErrorAs(t, err, &ae, tt.reason)
			assert.Equal(t, tt.want, ae.Failure, "%s: %v", tt.reason, err)
			assert.Empty(t, key)
			assert.NotEmpty(t, ae.Detail)
			for _, secret := range []contracts.Secret{credVoice.Secret, credSMS.Secret} {
				assert.NotContains(t, err.Error(), secret.Reveal(), "never a secret")
			}
			if _, sig, ok := strings.Cut(tt.auth, ":"); ok && len(sig) > 8 {
				assert.NotContains(t, err.Error(), sig, "never a signature")
			}
		})
	}
}

// TestVerifyAuthenticationHeader: erratum 11, the API reference names the
// header "Authentication"; every SDK sends Authorization, and so must a
// client of the mock.
func TestVerifyAuthenticationHeader(t *testing.T) {
	t.Parallel()
	req := startSent.request("")
	req.Header.Set("Authentication", startSigned.authorization(t))
	_, err := newVerifier().Verify(req, []byte(startBody))
	var ae *contracts.AuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, contracts.FailureNoAuthorization, ae.Failure)
}

// TestVerifyDocumentedVectors: the mock accepts every documented request
// that reproduces, sent at its own timestamp.
func TestVerifyDocumentedVectors(t *testing.T) {
	t.Parallel()
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			now, err := contracts.ParseTimestamp(v.timestamp)
			require.NoError(t, err)
			ver := &contracts.Verifier{Credentials: []contracts.Credentials{v.cred}, Now: func() time.Time { return now }}
			req := sent{v.method, v.path, v.contentType, v.timestamp, v.body}.request("Application " + v.cred.Key + ":" + v.signature)
			key, err := ver.Verify(req, []byte(v.body))
			require.NoError(t, err, v.reason)
			assert.Equal(t, v.cred.Key, key)
		})
	}
}

func TestVerifySignRequestRoundTrip(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodPut, "/verification/v1/verifications/number/+46700000000", strings.NewReader(`{"method":"sms","sms":{"code":"123"}}`))
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, contracts.SignRequest(req, nil, credSMS, verifyNow.Add(-time.Minute)))
	key, err := newVerifier().Verify(req, []byte(`{"method":"sms","sms":{"code":"123"}}`))
	require.NoError(t, err)
	assert.Equal(t, credSMS.Key, key)
}

func TestVerifierOptions(t *testing.T) {
	t.Parallel()
	req := startSent.request(startSigned.authorization(t))
	t.Run("zero value knows no key", func(t *testing.T) {
		t.Parallel()
		_, err := (&contracts.Verifier{}).Verify(req, []byte(startBody))
		var ae *contracts.AuthError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, contracts.FailureUnknownKey, ae.Failure)
	})
	t.Run("MaxSkew", func(t *testing.T) {
		t.Parallel()
		v := newVerifier()
		v.MaxSkew = time.Minute
		v.Now = func() time.Time { return verifyNow.Add(2 * time.Minute) }
		_, err := v.Verify(req, []byte(startBody))
		var ae *contracts.AuthError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, contracts.FailureSkewedTimestamp, ae.Failure)
		assert.Contains(t, ae.Detail, "2m0s")

		v.MaxSkew = 3 * time.Minute
		_, err = v.Verify(req, []byte(startBody))
		assert.NoError(t, err)
	})
	t.Run("unusable server secret", func(t *testing.T) {
		t.Parallel()
		v := newVerifier()
		v.Credentials = []contracts.Credentials{{Key: credVoice.Key, Secret: contracts.NewSecret("not*base64")}}
		_, err := v.Verify(req, []byte(startBody))
		var ae *contracts.AuthError
		require.ErrorAs(t, err, &ae)
		assert.NotContains(t, err.Error(), "not*base64")
	})
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	a, err := contracts.ParseAuthorization("application " + credVoice.Key + ":h6rXrFayOoggyHW4ymnLlfSDkZZPg6j98lHzvOXVjvw=")
	require.NoError(t, err)
	assert.Equal(t, contracts.Authorization{Scheme: contracts.SchemeApplication, Key: credVoice.Key, Signature: "h6rXrFayOoggyHW4ymnLlfSDkZZPg6j98lHzvOXVjvw="}, a)

	a, err = contracts.ParseAuthorization("Basic " + base64.StdEncoding.EncodeToString([]byte("key:se:cret")))
	require.NoError(t, err)
	assert.Equal(t, contracts.Authorization{Scheme: contracts.SchemeBasic, Key: "key", Secret: contracts.NewSecret("se:cret")}, a, "the secret is everything after the first colon")

	_, err = contracts.ParseAuthorization("Bearer " + strings.Repeat("x", 100))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 120, "an unknown scheme is quoted short")
}

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	for _, ts := range []string{"2014-06-04T13:41:58Z", "2014-06-04T13:41:58.999Z", "2014-06-04T13:41:58.9999999Z", "2014-06-04T13:41:58+00:00"} {
		got, err := contracts.ParseTimestamp(ts)
		if assert.NoError(t, err, ts) {
			assert.Equal(t, verifyNow, got.UTC().Truncate(time.Second), ts)
		}
	}
	_, err := contracts.ParseTimestamp(strings.Repeat("9", 200))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 150, "the bad value is quoted short")
}
