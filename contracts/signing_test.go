package contracts_test

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// vector is a signed request whose Content-MD5 and signature facts.md
// section 2 lists as reproduced by computation.
type vector struct {
	name        string
	cred        contracts.Credentials
	method      string
	path        string
	contentType string
	timestamp   string
	body        string
	md5         string
	signature   string
	reason      string
}

var (
	credSMS   = contracts.Credentials{Key: "5F5C418A0F914BBC8234A9BF5EDDAD97", Secret: contracts.NewSecret("JViE5vDor0Sw3WllZka15Q==")}
	credVoice = contracts.Credentials{Key: "669E367E-6BBA-48AB-AF15-266871C28135", Secret: contracts.NewSecret("BeIukql3pTKJ8RGL5zo0DA==")}
	credJava  = contracts.Credentials{Key: "my-key-id", Secret: contracts.NewSecret("bXkta2V5LXNlY3JldA==")}
	startBody = `{"identity": {"type": "number", "endpoint": "+46700000000"}, "method": "sms"}`
	aceBody   = `{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}`
	javaBody  = `{"identity":{"type":"number","endpoint":"+33444555666"},"method":"sms"}`
	vectors   = []vector{
		{
			"sms", credSMS, "POST", "/v1/sms/+46700000000", "application/json", "2014-06-04T13:41:58Z", `{"message":"Hello world"}`,
			"jANzQ+rgAHyf1MWQFSwvYw==", "qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM=",
			"facts.md section 2: the documented vector that reproduces",
		},
		{
			"start", credVoice, "POST", "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", startBody,
			"c5jl2EZiU6BpQ2QiBOJ/gQ==", "h6rXrFayOoggyHW4ymnLlfSDkZZPg6j98lHzvOXVjvw=",
			"facts.md section 2, more vectors: a start request (the .NET SDK's tests)",
		},
		{
			"start, empty body", credVoice, "POST", "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", "",
			"", "srx3SkKXw/ryFJLfwFFzZTigPxR/1+9Ae+eB3olDIjM=",
			"facts.md section 2: no body, so Content-MD5 is the empty line",
		},
		{
			"ace callback", credVoice, "POST", "/sinch/callback/ace", "application/json", "2014-09-24T10:59:41Z", aceBody,
			"REWF+X220L4/Gw1spXOU7g==", "Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=",
			"facts.md section 2: the Voice ace callback",
		},
		{
			"java", credJava, "POST", "/path/pathParamValue", "application/json; charset=UTF-8", "2023-11-22T09:10:11.999Z", javaBody,
			"RkD29EocJh6t7zr5QfKM4g==", "QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=",
			"facts.md section 2: the Java SDK's tests; charset signed as sent, timestamp with milliseconds",
		},
	}
)

func TestSignDocumentedVectors(t *testing.T) {
	t.Parallel()
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, v.md5, contracts.ContentMD5([]byte(v.body)), v.reason)
			s, err := contracts.Sign(v.cred, v.method, v.path, v.contentType, v.timestamp, []byte(v.body))
			require.NoError(t, err)
			assert.Equal(t, v.md5, s.ContentMD5, v.reason)
			assert.Equal(t, v.method+"\n"+v.md5+"\n"+v.contentType+"\nx-timestamp:"+v.timestamp+"\n"+v.path, s.StringToSign)
			assert.Equal(t, v.signature, s.Signature, v.reason)
			assert.Equal(t, v.timestamp, s.Timestamp)
			assert.Equal(t, "Application "+v.cred.Key+":"+v.signature, s.Authorization, v.reason)

			sig, err := contracts.Signature(v.cred.Secret, s.StringToSign)
			require.NoError(t, err)
			assert.Equal(t, v.signature, sig)
		})
	}
}

// TestErratum8 shows that the Verification page's signing example does not
// reproduce: it prints the MD5 and signature of the SMS vector.
func TestErratum8(t *testing.T) {
	t.Parallel()
	const (
		printedMD5 = "jANzQ+rgAHyf1MWQFSwvYw=="
		printedSig = "qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM="
	)
	examples := contracts.DefaultCatalog().SigningExamples()
	var ex *contracts.SigningExample
	for i := range examples {
		if examples[i].Name == "verification-page" {
			ex = &examples[i]
		}
	}
	require.NotNil(t, ex, "the catalog keeps the page's example (erratum 8)")
	require.Equal(t, printedMD5, ex.ContentMD5)
	require.Equal(t, printedSig, ex.Signature)
	require.Equal(t, startBody, ex.Body)

	assert.Equal(t, "c5jl2EZiU6BpQ2QiBOJ/gQ==", contracts.ContentMD5([]byte(ex.Body)), "the MD5 of the body the page shows")
	assert.NotEqual(t, printedMD5, contracts.ContentMD5([]byte(ex.Body)))

	sig, err := contracts.Signature(ex.Secret, contracts.StringToSign(ex.Method, printedMD5, ex.ContentType, ex.Timestamp, ex.Path))
	require.NoError(t, err)
	assert.Equal(t, "LaO/zTrMT4wfFR+8baeAStEPdf06ekUnhhWJokRvd54=", sig, "the printed MD5 with the verification path")
	assert.NotEqual(t, printedSig, sig)

	sig, err = contracts.Signature(ex.Secret, contracts.StringToSign(ex.Method, printedMD5, ex.ContentType, ex.Timestamp, "/v1/sms/+46700000000"))
	require.NoError(t, err)
	assert.Equal(t, printedSig, sig, "the printed signature is the SMS resource's")
}

func TestSignRequest(t *testing.T) {
	t.Parallel()
	now := time.Date(2023, 11, 22, 9, 10, 11, 999_000_000, time.UTC)
	req := httptest.NewRequest(http.MethodPost, "/path/pathParamValue", strings.NewReader(javaBody))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")

	require.NoError(t, contracts.SignRequest(req, nil, credJava, now))
	assert.Equal(t, "2023-11-22T09:10:11.999Z", req.Header.Get("x-timestamp"), "milliseconds, as the Java and Node SDKs send")
	assert.Equal(t, "Application my-key-id:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=", req.Header.Get("Authorization"),
		"facts.md section 2: the Java SDK's vector, byte for byte")
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.Equal(t, javaBody, string(body), "the body is still there to send")
}

func TestSignRequestZoneAndBody(t *testing.T) {
	t.Parallel()
	stockholm := time.FixedZone("CEST", 2*60*60)
	now := time.Date(2014, 6, 4, 15, 41, 58, 0, stockholm)
	req := httptest.NewRequest(http.MethodPost, "/verification/v1/verifications", strings.NewReader("not what is signed"))
	req.Header.Set("Content-Type", "application/json")

	require.NoError(t, contracts.SignRequest(req, []byte(startBody), credVoice, now))
	assert.Equal(t, "2014-06-04T13:41:58.000Z", req.Header.Get("x-timestamp"), "UTC whatever the clock's zone")
	want, err := contracts.Sign(credVoice, "POST", "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58.000Z", []byte(startBody))
	require.NoError(t, err)
	assert.Equal(t, want.Authorization, req.Header.Get("Authorization"), "signs the body given, not req.Body")
	rest, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.Equal(t, "not what is signed", string(rest), "req.Body untouched when the body is given")
}

func TestSignRequestNoBody(t *testing.T) {
	t.Parallel()
	now := time.Date(2014, 6, 4, 13, 41, 58, 0, time.UTC)
	req := httptest.NewRequest(http.MethodGet, "/verification/v1/verifications/id/1234", nil)
	require.NoError(t, contracts.SignRequest(req, nil, credVoice, now))
	want, err := contracts.Sign(credVoice, "GET", "/verification/v1/verifications/id/1234", "", "2014-06-04T13:41:58.000Z", nil)
	require.NoError(t, err)
	assert.Equal(t, want.Authorization, req.Header.Get("Authorization"), "empty Content-MD5 and Content-Type lines")
}

func TestSignRequestErrors(t *testing.T) {
	t.Parallel()
	now := time.Date(2014, 6, 4, 13, 41, 58, 0, time.UTC)
	t.Run("bad secret", func(t *testing.T) {
		t.Parallel()
		req := httptest.NewRequest(http.MethodPost, "/verification/v1/verifications", nil)
		err := contracts.SignRequest(req, []byte("{}"), contracts.Credentials{Key: "k", Secret: contracts.NewSecret("not*base64!")}, now)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "not*base64!", "never the secret")
		assert.Empty(t, req.Header.Get("Authorization"), "nothing half-signed")
		assert.Empty(t, req.Header.Get("x-timestamp"))
	})
	t.Run("body read fails", func(t *testing.T) {
		t.Parallel()
		req := httptest.NewRequest(http.MethodPost, "/verification/v1/verifications", nil)
		req.Body = io.NopCloser(iotest.ErrReader(errors.New("disk on fire")))
		err := contracts.SignRequest(req, nil, credVoice, now)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "disk on fire")
		assert.Empty(t, req.Header.Get("Authorization"))
	})
}

func TestBasicAuthorization(t *testing.T) {
	t.Parallel()
	got := contracts.BasicAuthorization(credSMS)
	assert.Equal(t, "Basic NUY1QzQxOEEwRjkxNEJCQzgyMzRBOUJGNUVEREFEOTc6SlZpRTV2RG9yMFN3M1dsbFprYTE1UT09", got,
		"facts.md section 2: Basic base64(key:secret), computed independently with base64(1)")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(got, "Basic "))
	require.NoError(t, err)
	assert.Equal(t, credSMS.Key+":"+credSMS.Secret.Reveal(), string(raw))

	a, err := contracts.ParseAuthorization(got)
	require.NoError(t, err)
	assert.Equal(t, contracts.Authorization{Scheme: contracts.SchemeBasic, Key: credSMS.Key, Secret: credSMS.Secret}, a)
}

func TestStringToSign(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "GET\n\n\nx-timestamp:2014-06-04T13:41:58Z\n/verification/v1/verifications/id/1",
		contracts.StringToSign("GET", "", "", "2014-06-04T13:41:58Z", "/verification/v1/verifications/id/1"),
		"empty Content-MD5 and Content-Type stay as empty lines")
	assert.Equal(t, "", contracts.ContentMD5(nil))
	assert.Equal(t, "", contracts.ContentMD5([]byte{}))
	assert.NotEqual(t, "1B2M2Y8AsgTpgAmY7PhCfg==", contracts.ContentMD5([]byte{}), "the empty string, not the MD5 of nothing (facts.md section 2)")
}
