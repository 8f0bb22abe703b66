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

// TestEveryDocumentedCode produces each of the 21 documented codes with a
// real HTTP request to a mock on loopback, and checks each answer against
// the catalog: the golden body byte for byte, the documented HTTP status,
// Content-Type application/json, and no problem at all under
// Catalog.Validate.
func TestEveryDocumentedCode(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	var ns numbers
	const start = "/verification/v1/verifications"
	cat := contracts.DefaultCatalog()
	magic := func(code int) func() *http.Request {
		return func() *http.Request {
			s, ok := cat.Lookup(code)
			require.True(t, ok)
			require.NotEmpty(t, s.Magic, "code %d has no magic number", code)
			return a.signed(http.MethodPost, start, startBody(s.Magic, "sms", ""))
		}
	}
	rows := []struct {
		code int
		req  func() *http.Request
	}{
		{40001, func() *http.Request {
			id := a.start(ns.next(), "sms")
			return a.signed(http.MethodPut, start+"/id/"+id, reportBody("sms", "12_34"))
		}},
		{40002, func() *http.Request {
			return a.signed(http.MethodPost, start, `{"identity":{"type":"number"},"method":"sms"}`)
		}},
		{40003, func() *http.Request {
			return a.signed(http.MethodPost, start, startBody("+4477009x0123", "sms", ""))
		}},
		{40005, func() *http.Request {
			return a.signed(http.MethodPost, start, startBody("447700900123", "sms", ""))
		}},
		{40100, func() *http.Request {
			req := a.request(http.MethodGet, start+"/id/x", "")
			req.Header.Set("Authorization", "Bearer abc")
			return req
		}},
		{40101, func() *http.Request {
			req := a.request(http.MethodGet, start+"/id/x", "")
			require.NoError(t, contracts.SignRequest(req, nil, a.cred, time.Now().Add(-time.Hour)))
			return req
		}},
		{40102, func() *http.Request {
			req := a.request(http.MethodGet, start+"/id/x", "")
			other := contracts.Credentials{Key: a.cred.Key, Secret: contracts.NewSecret(base64.StdEncoding.EncodeToString([]byte("another secret!!")))}
			require.NoError(t, contracts.SignRequest(req, nil, other, time.Now()))
			return req
		}},
		{40104, func() *http.Request { return a.request(http.MethodGet, start+"/id/x", "") }},
		{40107, func() *http.Request {
			req := a.request(http.MethodGet, start+"/id/x", "")
			require.NoError(t, contracts.SignRequest(req, nil, contracts.Credentials{Key: "unknown-key", Secret: a.cred.Secret}, time.Now()))
			return req
		}},
		{40200, magic(40200)},
		{40300, magic(40300)},
		{40303, magic(40303)},
		{40400, func() *http.Request { return a.signed(http.MethodGet, start+"/id/no-such-id", "") }},
		{40900, func() *http.Request {
			a.call(http.MethodPost, start, startBody(ns.next(), "sms", "ref-40900"))
			return a.signed(http.MethodPost, start, startBody(ns.next(), "sms", "ref-40900"))
		}},
		{42200, magic(42200)},
		{42201, magic(42201)},
		{42900, magic(42900)},
		{42901, func() *http.Request {
			n := ns.next()
			a.start(n, "sms")
			return a.signed(http.MethodPost, start, startBody(n, "callout", ""))
		}},
		{50000, magic(50000)},
		{50300, magic(50300)},
		{50301, magic(50301)},
	}
	require.Len(t, rows, len(cat.Errors()), "one row per documented code")
	for _, row := range rows {
		spec, ok := cat.Lookup(row.code)
		require.True(t, ok, "%d", row.code)
		t.Run(spec.Status, func(t *testing.T) {
			e := a.apiError(row.req())
			assert.Equal(t, row.code, e.Code, "errorCode; body %s", e.Raw)
			assert.Equal(t, spec.HTTPStatus, e.HTTPStatus)
			assert.Equal(t, "application/json", e.ContentType)
			assert.Empty(t, cat.Validate(e), "Catalog.Validate")
			golden, ok := fixtures.Golden(row.code)
			require.True(t, ok)
			assert.Equal(t, string(golden), string(e.Raw), "the golden body, byte for byte")
		})
	}
}

// TestParameterNamedIn40002 checks that 40002 names the missing parameter,
// which makes its message differ from the documented example: the only
// problem Validate may find.
func TestParameterNamedIn40002(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	id := a.start("+447700900001", "sms")
	const start = "/verification/v1/verifications"
	rows := []struct{ name, method, path, body, msg string }{
		{"no body", http.MethodPost, start, "", "Identity parameter is missing."},
		{"identity null", http.MethodPost, start, `{"identity":null,"method":"sms"}`, "Identity parameter is missing."},
		{"identity a string", http.MethodPost, start, `{"identity":"+447700900001","method":"sms"}`, "Identity parameter is missing."},
		{"type empty", http.MethodPost, start, `{"identity":{"type":"","endpoint":"+447700900002"},"method":"sms"}`, "Type parameter is missing."},
		{"endpoint missing", http.MethodPost, start, `{"identity":{"type":"number"},"method":"sms"}`, "Endpoint parameter is missing."},
		{"endpoint a number", http.MethodPost, start, `{"identity":{"type":"number","endpoint":447700900002},"method":"sms"}`, "Endpoint parameter is missing (got a number, want a string)."},
		{"method null", http.MethodPost, start, `{"identity":{"type":"number","endpoint":"+447700900002"},"method":null}`, "Method parameter is missing."},
		{"report method missing", http.MethodPut, start + "/id/" + id, `{"sms":{"code":"1234"}}`, "Method parameter is missing."},
		{"report sms object missing", http.MethodPut, start + "/id/" + id, `{"method":"sms"}`, "Sms parameter is missing."},
		{"report code null", http.MethodPut, start + "/id/" + id, `{"method":"sms","sms":{"code":null}}`, "Code parameter is missing."},
		{"report flashCall object missing", http.MethodPut, start + "/id/" + id, `{"method":"flashcall"}`, "FlashCall parameter is missing."},
		{"report cli missing", http.MethodPut, start + "/id/" + id, `{"method":"flashcall","flashCall":{}}`, "Cli parameter is missing."},
	}
	cat := contracts.DefaultCatalog()
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			e := a.apiError(a.signed(row.method, row.path, row.body))
			assert.Equal(t, 40002, e.Code, "%s", e.Raw)
			assert.Equal(t, row.msg, e.Message)
			for _, p := range cat.Validate(e) {
				if row.msg == "Endpoint parameter is missing." {
					t.Errorf("the documented message: unexpected problem %s", p)
				} else {
					assert.Equal(t, contracts.ProblemMessage, p.Kind, "only the message may differ: %s", p)
				}
			}
		})
	}
}
