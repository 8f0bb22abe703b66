package mock_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

const pathStart = "/verification/v1/verifications"

func TestStartAnswers(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	var ns numbers
	rows := []struct {
		method, wire, object string
	}{
		{"sms", "sms", "sms"},
		{"flashcall", "flashcall", "flashCall"},
		{"flashCall", "flashcall", "flashCall"},
		{"callout", "callout", ""},
		{"phonecall", "callout", ""},
		{"seamless", "seamless", "seamless"},
		{"whatsapp", "whatsapp", "whatsapp"},
	}
	for _, row := range rows {
		t.Run(row.method, func(t *testing.T) {
			m := a.call(http.MethodPost, pathStart, startBody(ns.next(), row.method, ""))
			id, _ := m["id"].(string)
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id)
			assert.Equal(t, row.wire, m["method"])
			if row.object != "" {
				assert.Contains(t, m, row.object)
			}
			assert.Equal(t, []any{
				map[string]any{"rel": "status", "href": a.url + pathStart + "/id/" + id, "method": "GET"},
				map[string]any{"rel": "report", "href": a.url + pathStart + "/id/" + id, "method": "PUT"},
			}, m["_links"])
		})
	}
	sms := a.call(http.MethodPost, pathStart, startBody(ns.next(), "sms", ""))
	assert.Equal(t, map[string]any{"template": "Your verification code is {{CODE}}.", "interceptionTimeout": 298.0, "codeType": "Numeric"}, sms["sms"])
}

func TestReportAndStatus(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	var ns numbers

	t.Run("right code by id, then status by id, identity and reference", func(t *testing.T) {
		n := ns.next()
		m := a.call(http.MethodPost, pathStart, startBody(n, "sms", "my ref/1"))
		id := m["id"].(string)

		st := a.call(http.MethodGet, pathStart+"/id/"+id, "")
		assert.Equal(t, "PENDING", st["status"])
		assert.NotContains(t, st, "price", "no price while pending")

		rep := a.call(http.MethodPut, pathStart+"/id/"+id, reportBody("sms", mock.Code))
		assert.Equal(t, map[string]any{"id": id, "method": "sms", "status": "SUCCESSFUL", "reference": "my ref/1"}, rep)

		for _, path := range []string{pathStart + "/id/" + id, pathStart + "/sms/number/" + n, pathStart + "/reference/my%20ref%2F1"} {
			st := a.call(http.MethodGet, path, "")
			assert.Equal(t, id, st["id"], path)
			assert.Equal(t, "SUCCESSFUL", st["status"], path)
			assert.Equal(t, map[string]any{"type": "number", "endpoint": n}, st["identity"], path)
			assert.Equal(t, "GB", st["countryId"], path)
			assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$`, st["verificationTimestamp"], "no zone designator")
			assert.Contains(t, st, "price")
		}
		again := a.call(http.MethodPut, pathStart+"/id/"+id, reportBody("sms", "9999"))
		assert.Equal(t, "SUCCESSFUL", again["status"], "a finished verification keeps its status")
	})
	t.Run("wrong code is FAIL, not an error", func(t *testing.T) {
		id := a.start(ns.next(), "callout")
		rep := a.call(http.MethodPut, pathStart+"/id/"+id, reportBody("callout", "5678"))
		assert.Equal(t, "FAIL", rep["status"])
		assert.Equal(t, "Invalid code", rep["reason"])
	})
	t.Run("by number, then nothing pending", func(t *testing.T) {
		n := ns.next()
		a.start(n, "whatsapp")
		rep := a.call(http.MethodPut, pathStart+"/number/"+n, reportBody("whatsapp", mock.Code))
		assert.Equal(t, "SUCCESSFUL", rep["status"])
		e := a.apiError(a.signed(http.MethodPut, pathStart+"/number/"+n, reportBody("whatsapp", mock.Code)))
		assert.Equal(t, 40400, e.Code, "no pending verification")
	})
	t.Run("flashcall CLI ending in the code", func(t *testing.T) {
		n := ns.next()
		id := a.start(n, "flashcall")
		rep := a.call(http.MethodPut, pathStart+"/id/"+id, reportBody("flashcall", "+46700001234"))
		assert.Equal(t, "SUCCESSFUL", rep["status"])
		id = a.start(ns.next(), "flashcall")
		rep = a.call(http.MethodPut, pathStart+"/id/"+id, reportBody("flashcall", "+46700009999"))
		assert.Equal(t, map[string]any{"id": id, "method": "flashcall", "status": "FAIL", "reason": "Invalid CLI"}, rep)
	})
	t.Run("unknown id, reference, identity", func(t *testing.T) {
		for _, req := range []*http.Request{
			a.signed(http.MethodGet, pathStart+"/id/00000000-0000-4000-8000-000000000000", ""),
			a.signed(http.MethodPut, pathStart+"/id/00000000-0000-4000-8000-000000000000", reportBody("sms", "1234")),
			a.signed(http.MethodGet, pathStart+"/reference/never-used", ""),
			a.signed(http.MethodGet, pathStart+"/sms/number/+441914980000", ""),
			a.signed(http.MethodPut, pathStart+"/number/+441914980000", reportBody("sms", "1234")),
		} {
			e := a.apiError(req)
			assert.Equal(t, 40400, e.Code, "%s %s", req.Method, req.URL.Path)
			assert.Equal(t, 404, e.HTTPStatus)
		}
	})
	t.Run("status by identity needs the method of the start", func(t *testing.T) {
		n := ns.next()
		a.start(n, "sms")
		assert.Equal(t, 40400, a.apiError(a.signed(http.MethodGet, pathStart+"/callout/number/"+n, "")).Code)
	})
}

// TestRequestErrors pins the code of every malformed request, one defect
// each, with a fresh number per row.
func TestRequestErrors(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	var ns numbers
	sms := func(endpoint string) string { return startBody(endpoint, "sms", "") }
	id := a.start(ns.next(), "sms")
	byID := pathStart + "/id/" + id
	rows := []struct {
		name               string
		method, path, body string
		code               int
		msg                string // "" for the documented one
	}{
		{"no plus", http.MethodPost, pathStart, sms("447700900123"), 40005, ""},
		{"00 prefix", http.MethodPost, pathStart, sms("00447700900123"), 40005, ""},
		{"too short", http.MethodPost, pathStart, sms("+447700"), 40003, ""},
		{"too long", http.MethodPost, pathStart, sms("+4477009001234567"), 40003, ""},
		{"letter", http.MethodPost, pathStart, sms("+44770090a123"), 40003, ""},
		{"space", http.MethodPost, pathStart, sms("+44 7700900123"), 40003, ""},
		{"dash", http.MethodPost, pathStart, sms("+44-7700900123"), 40003, ""},
		{"country code 0", http.MethodPost, pathStart, sms("+0447700900123"), 40003, ""},
		{"spare country code 283", http.MethodPost, pathStart, sms("+2837700900123"), 40003, ""},
		{"spare country code 295", http.MethodPost, pathStart, sms("+2957700900123"), 40003, ""},
		{"plus only", http.MethodPost, pathStart, sms("+"), 40003, ""},
		{"unknown method", http.MethodPost, pathStart, startBody(ns.next(), "pigeon", ""), 40003, `Verification method "pigeon" is not supported; want one of sms, flashcall, callout, seamless, whatsapp.`},
		{"identity type email", http.MethodPost, pathStart, `{"identity":{"type":"email","endpoint":"+447700900123"},"method":"sms"}`, 40003, `Identity type "email" is not supported; want "number".`},
		{"reference a number", http.MethodPost, pathStart, `{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms","reference":5}`, 40003, "Reference must be a string, got a number."},
		{"invalid JSON", http.MethodPost, pathStart, `{"identity":`, 40003, "Request body is not a JSON object: invalid JSON at byte 12"},
		{"JSON array", http.MethodPost, pathStart, `[1,2]`, 40003, "Request body is not a JSON object: a JSON array"},
		{"code too long", http.MethodPut, byID, reportBody("sms", "12345678901"), 40001, ""},
		{"code with underscore", http.MethodPut, byID, reportBody("sms", "12_4"), 40001, ""},
		{"code with a look-alike", http.MethodPut, byID, reportBody("sms", "12\u04304"), 40001, ""},
		{"code empty", http.MethodPut, byID, reportBody("sms", ""), 40001, ""},
		{"code a number", http.MethodPut, byID, `{"method":"sms","sms":{"code":1234}}`, 40001, ""},
		{"report seamless", http.MethodPut, byID, `{"method":"seamless","seamless":{"code":"1234"}}`, 40003, "A seamless verification is not reported with a code."},
		{"report by number without plus", http.MethodPut, pathStart + "/number/447700900123", reportBody("sms", "1234"), 40005, ""},
		{"status by identity, invalid number", http.MethodGet, pathStart + "/sms/number/+44abc", "", 40003, ""},
	}
	cat := contracts.DefaultCatalog()
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			e := a.apiError(a.signed(row.method, row.path, row.body))
			spec, _ := cat.Lookup(row.code)
			assert.Equal(t, row.code, e.Code, "%s", e.Raw)
			assert.Equal(t, spec.HTTPStatus, e.HTTPStatus)
			assert.Equal(t, spec.Status, e.Status)
			if row.msg == "" {
				assert.True(t, spec.Documents(e.Message), "documented message, got %q", e.Message)
			} else {
				assert.Equal(t, row.msg, e.Message)
			}
		})
	}
}

func TestContentTypeAndSize(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	body := startBody("+447700900123", "sms", "")
	send := func(ct, body string) *contracts.APIError {
		req := a.request(http.MethodPost, pathStart, body)
		if ct == "" {
			req.Header.Del("Content-Type")
		} else {
			req.Header.Set("Content-Type", ct)
		}
		require.NoError(t, contracts.SignRequest(req, []byte(body), a.cred, time.Now()))
		return a.apiError(req)
	}
	e := send("text/plain", body)
	assert.Equal(t, 40003, e.Code)
	assert.Equal(t, `Content-Type "text/plain" is not supported; want application/json.`, e.Message)
	e = send("", body)
	assert.Equal(t, 40003, e.Code)
	assert.Equal(t, "Content-Type is missing; want application/json.", e.Message)

	e = send("application/json; charset=UTF-8", startBody("447700900123", "sms", ""))
	assert.Equal(t, 40005, e.Code, "a charset parameter is fine")

	big := `{"identity":{"type":"number","endpoint":"+447700900124"},"method":"sms","custom":"` + strings.Repeat("x", mock.MaxBodyBytes) + `"}`
	e = send("application/json", big)
	assert.Equal(t, 40003, e.Code)
	assert.Equal(t, "Request body is larger than 65536 bytes.", e.Message)
	assert.Equal(t, 400, e.HTTPStatus)
}

// TestAuthOrder pins the order of the checks of the package documentation.
func TestAuthOrder(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	unknownRoute := "/verification/v1/nowhere"
	rows := []struct {
		name string
		req  func() *http.Request
		code int
	}{
		{"no Authorization beats an unknown route", func() *http.Request { return a.request(http.MethodGet, unknownRoute, "") }, 40104},
		{"an empty Authorization is none at all", func() *http.Request {
			req := a.request(http.MethodGet, unknownRoute, "")
			req.Header.Set("Authorization", "")
			return req
		}, 40104},
		{"unknown scheme", func() *http.Request {
			req := a.request(http.MethodGet, unknownRoute, "")
			req.Header.Set("Authorization", "Bearer x")
			return req
		}, 40100},
		{"no colon", func() *http.Request {
			req := a.request(http.MethodGet, unknownRoute, "")
			req.Header.Set("Authorization", "Application "+a.cred.Key)
			return req
		}, 40100},
		{"unknown key beats a missing timestamp", func() *http.Request {
			req := a.request(http.MethodGet, unknownRoute, "")
			req.Header.Set("Authorization", "Application other-key:"+base64.StdEncoding.EncodeToString(make([]byte, 32)))
			return req
		}, 40107},
		{"wrong Basic secret", func() *http.Request {
			req := a.request(http.MethodGet, unknownRoute, "")
			req.Header.Set("Authorization", contracts.BasicAuthorization(contracts.Credentials{Key: a.cred.Key, Secret: contracts.NewSecret("d3Jvbmc=")}))
			return req
		}, 40107},
		{"missing timestamp beats a bad signature", func() *http.Request {
			req := a.request(http.MethodGet, unknownRoute, "")
			req.Header.Set("Authorization", "Application "+a.cred.Key+":"+base64.StdEncoding.EncodeToString(make([]byte, 32)))
			return req
		}, 40101},
		{"a bad signature beats an unknown route", func() *http.Request {
			req := a.signed(http.MethodGet, unknownRoute, "")
			req.URL.Path = unknownRoute + "x"
			return req
		}, 40102},
		{"a good signature on an unknown route", func() *http.Request { return a.signed(http.MethodGet, unknownRoute, "") }, 40400},
		{"Basic on an unknown route", func() *http.Request {
			req := a.request(http.MethodGet, unknownRoute, "")
			req.Header.Set("Authorization", contracts.BasicAuthorization(a.cred))
			return req
		}, 40400},
		{"auth beats the body", func() *http.Request { return a.request(http.MethodPost, pathStart, "{") }, 40104},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			e := a.apiError(row.req())
			assert.Equal(t, row.code, e.Code, "%s", e.Raw)
		})
	}
}

// TestSignaturesTheSDKsSend accepts the x-timestamp forms and resource
// forms of the official SDKs (facts.md section 2).
func TestSignaturesTheSDKsSend(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	var ns numbers
	now := time.Now().UTC()
	for _, ts := range []string{
		now.Format("2006-01-02T15:04:05Z"),
		now.Format("2006-01-02T15:04:05.000Z"),
		now.Format("2006-01-02T15:04:05.0000000Z"),
		now.Format("2006-01-02T15:04:05.000000+00:00"),
	} {
		t.Run(ts, func(t *testing.T) {
			body := startBody(ns.next(), "sms", "")
			req := a.request(http.MethodPost, pathStart, body)
			signed, err := contracts.Sign(a.cred, http.MethodPost, pathStart, "application/json", ts, []byte(body))
			require.NoError(t, err)
			req.Header.Set("x-timestamp", ts)
			req.Header.Set("Authorization", signed.Authorization)
			status, _, b := a.do(req)
			assert.Equal(t, http.StatusOK, status, "%s", b)
		})
	}
	t.Run("Node: decoded path signed, percent-encoded path sent", func(t *testing.T) {
		n := ns.next()
		a.call(http.MethodPost, pathStart, startBody(n, "sms", "my ref"))
		ts := time.Now().UTC().Format(contracts.TimestampLayout)
		signed, err := contracts.Sign(a.cred, http.MethodGet, pathStart+"/reference/my ref", "application/json", ts, nil)
		require.NoError(t, err)
		req := a.request(http.MethodGet, pathStart+"/reference/my%20ref", "")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-timestamp", ts)
		req.Header.Set("Authorization", signed.Authorization)
		status, _, b := a.do(req)
		assert.Equal(t, http.StatusOK, status, "%s", b)
	})
	t.Run("Basic", func(t *testing.T) {
		body := startBody(ns.next(), "sms", "")
		req := a.request(http.MethodPost, pathStart, body)
		req.Header.Set("Authorization", contracts.BasicAuthorization(a.cred))
		status, _, b := a.do(req)
		assert.Equal(t, http.StatusOK, status, "%s", b)
	})
}

func TestWrongMethodOnKnownRoute(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	rows := []struct{ method, path, allow string }{
		{http.MethodGet, pathStart, "POST"},
		{http.MethodDelete, pathStart + "/id/x", "GET, PUT"},
		{http.MethodGet, pathStart + "/number/+447700900123", "PUT"},
		{http.MethodPost, pathStart + "/reference/r", "GET"},
		{http.MethodPut, pathStart + "/sms/number/+447700900123", "GET"},
	}
	for _, row := range rows {
		req := a.signed(row.method, row.path, "")
		status, h, b := a.do(req)
		assert.Equal(t, 404, status, "%s %s", row.method, row.path)
		assert.Equal(t, "application/json", h.Get("Content-Type"))
		assert.Equal(t, row.allow, h.Get("Allow"), "%s %s", row.method, row.path)
		assert.Equal(t, 40400, contracts.ParseErrorBody(b).Code)
	}
}

// TestMagicNumbersOnPaths: a server-side code's magic number answers any
// operation that names it; an account-side one only a start.
func TestMagicNumbersOnPaths(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{})
	cat := contracts.DefaultCatalog()
	for _, s := range cat.Errors() {
		if s.Magic == "" {
			continue
		}
		want := 40400
		if s.Trigger == contracts.TriggerServer {
			want = s.Code
		}
		e := a.apiError(a.signed(http.MethodGet, pathStart+"/sms/number/"+s.Magic, ""))
		assert.Equal(t, want, e.Code, "status by identity of %s (%d)", s.Magic, s.Code)
		e = a.apiError(a.signed(http.MethodPut, pathStart+"/number/"+s.Magic, reportBody("sms", "1234")))
		assert.Equal(t, want, e.Code, "report by number of %s (%d)", s.Magic, s.Code)
	}
}

// TestStateCodes covers 40900 and 42901 with a clock the test moves.
func TestStateCodes(t *testing.T) {
	t.Parallel()
	var clock atomicTime
	clock.set(time.Now())
	a := serve(t, mock.Config{Now: clock.get, VelocityWindow: 10 * time.Second})
	start := func(n, ref string) *http.Request {
		body := startBody(n, "sms", ref)
		req := a.request(http.MethodPost, pathStart, body)
		require.NoError(t, contracts.SignRequest(req, []byte(body), a.cred, clock.get()))
		return req
	}
	status, _, b := a.do(start("+447700900201", "ref-a"))
	require.Equal(t, 200, status, "%s", b)
	assert.Equal(t, 40900, a.apiError(start("+447700900202", "ref-a")).Code, "reference reused")
	assert.Equal(t, 42901, a.apiError(start("+447700900201", "")).Code, "same number at once")
	clock.set(clock.get().Add(9 * time.Second))
	assert.Equal(t, 42901, a.apiError(start("+447700900201", "")).Code, "inside the window")
	clock.set(clock.get().Add(time.Second))
	status, _, b = a.do(start("+447700900201", ""))
	assert.Equal(t, 200, status, "the window has passed: %s", b)
	assert.Equal(t, 40900, a.apiError(start("+447700900203", "ref-a")).Code, "a reference stays used")
	assert.Equal(t, 200, func() int { s, _, _ := a.do(start("+447700900202", "")); return s }(), "a refused start leaves no velocity entry")
}
