package mock_test

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
	"github.com/vcheck/vcheck/mock"
)

// TestRepeatedHeaders sends, over real HTTP to a mock on loopback, requests
// that carry a header the authentication reads more than once (each value
// on its own header line, which net/http keeps apart). The mock must not
// pick one: two Authorization lines are 40100, two x-timestamp lines 40101
// (after the key is known, in the documented order), two Content-Type lines
// leave the signed string undefined (40102, or 40003 for Basic, which signs
// nothing). A credential joined to another with a comma is one malformed
// value: 40100 as well.
func TestRepeatedHeaders(t *testing.T) {
	t.Parallel()
	const start = "/verification/v1/verifications"
	var ns numbers
	basic := func(a api) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(a.cred.Key+":"+a.cred.Secret.Reveal()))
	}
	// signedStart is a start that authenticates as it stands.
	signedStart := func(a api) *http.Request {
		return a.signed(http.MethodPost, start, startBody(ns.next(), "sms", ""))
	}
	rows := []struct {
		name  string
		drift string
		req   func(t *testing.T, a api) *http.Request
		code  int
		// msg is the message of an answer that is not the golden body.
		msg string
	}{
		{name: "two identical Authorization lines", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header.Add("Authorization", req.Header.Get("Authorization"))
			return req
		}},
		{name: "a valid Authorization and a Bearer one", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header.Add("Authorization", "Bearer abc")
			return req
		}},
		{name: "a Bearer Authorization and a valid one", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header["Authorization"] = []string{"Bearer abc", req.Header.Get("Authorization")}
			return req
		}},
		{name: "a valid Authorization and an empty one", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header.Add("Authorization", "")
			return req
		}},
		{name: "two Basic Authorization lines", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := a.request(http.MethodPost, start, startBody(ns.next(), "sms", ""))
			req.Header["Authorization"] = []string{basic(a), basic(a)}
			return req
		}},
		{name: "two Application credentials joined by a comma", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			v := req.Header.Get("Authorization")
			req.Header.Set("Authorization", v+", "+v)
			return req
		}},
		{name: "two Application credentials joined by a bare comma", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			v := req.Header.Get("Authorization")
			req.Header.Set("Authorization", v+","+v[len("Application "):])
			return req
		}},
		{name: "two Basic credentials joined by a comma", code: 40100, req: func(t *testing.T, a api) *http.Request {
			req := a.request(http.MethodPost, start, startBody(ns.next(), "sms", ""))
			b := basic(a)
			req.Header.Set("Authorization", b+","+b[len("Basic "):])
			return req
		}},
		{name: "two identical x-timestamp lines", code: 40101, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header.Add("x-timestamp", req.Header.Get("x-timestamp"))
			return req
		}},
		{name: "the signed x-timestamp and a stale one", code: 40101, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header.Add("x-timestamp", "2014-06-04T13:41:58Z")
			return req
		}},
		{name: "two x-timestamp lines joined by a comma", code: 40101, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			ts := req.Header.Get("x-timestamp")
			req.Header.Set("x-timestamp", ts+", "+ts)
			return req
		}},
		{name: "two x-timestamp lines and an unknown key: the key first", code: 40107, req: func(t *testing.T, a api) *http.Request {
			req := a.request(http.MethodPost, start, startBody(ns.next(), "sms", ""))
			require.NoError(t, contracts.SignRequest(req, nil, contracts.Credentials{Key: "unknown-key", Secret: a.cred.Secret}, time.Now()))
			req.Header.Add("x-timestamp", req.Header.Get("x-timestamp"))
			return req
		}},
		{name: "two x-timestamp lines and two Content-Type lines: the timestamp first", code: 40101, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header.Add("x-timestamp", req.Header.Get("x-timestamp"))
			req.Header.Add("Content-Type", "application/json")
			return req
		}},
		{name: "two identical Content-Type lines, Application scheme", code: 40102, req: func(t *testing.T, a api) *http.Request {
			req := signedStart(a)
			req.Header.Add("Content-Type", "application/json")
			return req
		}},
		{name: "two Content-Type lines on a GET, Application scheme", code: 40102, req: func(t *testing.T, a api) *http.Request {
			req := a.request(http.MethodGet, start+"/id/unknown", "")
			req.Header.Set("Content-Type", "application/json")
			require.NoError(t, contracts.SignRequest(req, nil, a.cred, time.Now()))
			req.Header.Add("Content-Type", "text/plain")
			return req
		}},
		{name: "two Content-Type lines, Basic scheme", code: 40003, msg: "Content-Type is sent more than once; want one application/json.", req: func(t *testing.T, a api) *http.Request {
			req := a.request(http.MethodPost, start, startBody(ns.next(), "sms", ""))
			req.Header.Set("Authorization", basic(a))
			req.Header.Add("Content-Type", "application/json")
			return req
		}},
		{name: "accept-bad-signature: two Content-Type lines pass authentication", drift: "accept-bad-signature", code: 40400, req: func(t *testing.T, a api) *http.Request {
			req := a.signed(http.MethodGet, start+"/id/unknown", "")
			req.Header.Add("Content-Type", "application/json")
			return req
		}},
		{name: "ignore-timestamp: two x-timestamp lines are not signed as sent", drift: "ignore-timestamp", code: 40102, req: func(t *testing.T, a api) *http.Request {
			req := a.signed(http.MethodGet, start+"/id/unknown", "")
			req.Header.Add("x-timestamp", req.Header.Get("x-timestamp"))
			return req
		}},
	}
	faithful := serve(t, mock.Config{})
	cat := contracts.DefaultCatalog()
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			a := faithful
			if row.drift != "" {
				a = serve(t, mock.Config{Drift: row.drift})
			}
			req := row.req(t, a)
			e := a.apiError(req)
			require.Equal(t, row.code, e.Code, "errorCode; body %s", e.Raw)
			spec, ok := cat.Lookup(row.code)
			require.True(t, ok)
			assert.Equal(t, spec.HTTPStatus, e.HTTPStatus)
			assert.Equal(t, "application/json", e.ContentType)
			if row.msg != "" {
				assert.Equal(t, row.msg, e.Message)
				return
			}
			golden, ok := fixtures.Golden(row.code)
			require.True(t, ok)
			assert.Equal(t, string(golden), string(e.Raw), "the golden body, byte for byte")
		})
	}
}

// TestSingleHeadersStillPass: one line of each header, as every SDK sends,
// authenticates as before (Application and Basic).
func TestSingleHeadersStillPass(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	const start = "/verification/v1/verifications"
	assert.NotEmpty(t, a.start("+447700900701", "sms"))

	req := a.request(http.MethodPost, start, startBody("+447700900702", "sms", ""))
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.cred.Key+":"+a.cred.Secret.Reveal())))
	req.Header.Add("x-timestamp", "not a time")
	req.Header.Add("x-timestamp", "nor this")
	status, _, body := a.do(req)
	assert.Equal(t, http.StatusOK, status, "Basic reads no x-timestamp, so two of them are not ambiguous: %s", body)
}
