package fuzz

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/proxy"
)

// proxyCred signs FuzzProxyHandler's requests; its secret must never reach
// the record or an admin answer.
var proxyCred = contracts.Credentials{Key: "fuzz-proxy-key", Secret: contracts.NewSecret("ZnV6eiBwcm94eSBzZWNyZXQ=")} // base64("fuzz proxy secret")

// proxyFuzzRules are the global rules of FuzzProxyHandler: every condition
// kind and every action that answers without taking the connection over
// (reset, close, hang, partial and lose need a real connection; the proxy
// tests cover them over real HTTP).
var proxyFuzzRules = []string{
	`account: POST /verification/v1/verifications body:/identity/endpoint~^\+4477 => sinch(40200)`,
	`gateway: GET /verification/v1/verifications/id/* header:X-Fault=html => status(502), body(html)`,
	`strcode: * /verification/v1/... header:X-Fault=code => sinch(40003), body(code-as-string)`,
	`example: PUT /verification/v1/... body:/method=sms => sinch(40001,example), header(Retry-After=1)`,
	`empty: * /x/... => delay(1ms), status(503), body(empty)`,
	`notjson: DELETE * => body(notjson) every=2`,
}

// FuzzProxyHandler feeds an arbitrary method, path, headers ("Name: value"
// lines) and body to the proxy's default port, signed or not, with the
// rules above in front of an in-process upstream that answers what it was
// asked. The proxy must never panic, and:
//   - the admin API (/__vcheck/...) answers JSON with 2xx, an empty 204, or
//     its own failure: a Vcheck-Proxy-Error header and a "vcheck proxy: "
//     text body, never a Sinch error;
//   - any other answer is recorded as exactly one attempt whose status and
//     errorCode are the ones the client got;
//   - neither the record nor any answer holds the secret in any form.
//
// No network for the request itself: httptest.NewRecorder. A session the
// admin API creates listens on 127.0.0.1 until the proxy closes. The seeds
// are the named files corpusSeeds writes (proxySeeds).
func FuzzProxyHandler(f *testing.F) {
	var rules []proxy.Rule
	for _, text := range proxyFuzzRules {
		r, err := proxy.ParseRule(text)
		if err != nil {
			f.Fatalf("%s: %v", text, err)
		}
		rules = append(rules, r)
	}
	scenarios := map[string][]proxy.Rule{"retry.503-twice": rules[:1]}
	secrets := secretForms(proxyCred)
	f.Fuzz(func(t *testing.T, method, path, headers string, body []byte, auth int) {
		var record bytes.Buffer
		p, err := proxy.New(proxy.Config{
			Handler: echoUpstream{}, Rules: rules, Scenarios: scenarios, Seed: 1, MaxSessions: 1,
			Credentials: []contracts.Credentials{proxyCred}, Record: &record,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		req, ok := fuzzRequest(t, method, path, headers, body, auth, proxyCred)
		if !ok {
			return
		}
		admin := strings.HasPrefix(req.URL.Path, proxy.AdminPrefix)
		if admin && req.Host == fuzzHost {
			// The admin API answers only its own (loopback) Host: the
			// builder's default host would turn every admin input into
			// the same refusal. A Host the input sets is kept.
			req.Host = "127.0.0.1:8081"
		}
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		res := rec.Result()
		got := rec.Body.Bytes()

		for _, s := range secrets {
			if bytes.Contains(got, []byte(s)) || strings.Contains(record.String(), s) {
				t.Fatalf("the secret (as %q) in the answer or the record", s)
			}
		}
		if kind := res.Header.Get(proxy.HeaderError); kind != "" {
			if !strings.HasPrefix(string(got), "vcheck proxy: ") || strings.Contains(res.Header.Get("Content-Type"), "json") {
				t.Fatalf("proxy error %s (HTTP %d) that could pass for an API answer: %q", kind, res.StatusCode, got)
			}
			return
		}
		if admin {
			switch {
			case res.StatusCode == http.StatusNoContent && len(got) == 0:
			case res.StatusCode/100 == 2 && res.Header.Get("Content-Type") == "application/json" && json.Valid(got):
			default:
				t.Fatalf("admin %s %s answered HTTP %d %q without %s", method, path, res.StatusCode, got, proxy.HeaderError)
			}
			return
		}
		at := p.Global().Attempts
		if len(at) != 1 {
			t.Fatalf("%d attempts recorded for one request", len(at))
		}
		a := at[0]
		if a.Status != res.StatusCode {
			t.Fatalf("recorded status %d, the client got %d (rule %q)", a.Status, res.StatusCode, a.Rule)
		}
		want := 0
		if res.StatusCode >= 400 || a.Rule != "" {
			want = contracts.ParseErrorBody(got).Code
		}
		if a.ErrorCode != want {
			t.Fatalf("recorded errorCode %d, the body says %d: %q", a.ErrorCode, want, got)
		}
	})
}

// fuzzHost is the host fuzzRequest gives a request whose input sets none.
const fuzzHost = "vcheck.test"

// echoUpstream answers 200 with the request's method and path, as JSON.
type echoUpstream struct{}

func (echoUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.Path})
}

// secretForms are the ways a secret could show: as is, its decoded key and
// the base64 of key:secret that Basic sends.
func secretForms(c contracts.Credentials) []string {
	forms := []string{c.Secret.Reveal(), base64.StdEncoding.EncodeToString([]byte(c.Key + ":" + c.Secret.Reveal()))}
	if k, err := c.Secret.Key(); err == nil {
		forms = append(forms, string(k))
	}
	return forms
}

// proxySeeds are FuzzProxyHandler's named seeds: each rule firing, the
// admin API's endpoints and failures, an unknown session.
func proxySeeds() []seed {
	const start = "/verification/v1/verifications"
	const js = "Content-Type: application/json"
	return []seed{
		{"rule-account-40200", []any{"POST", start, js, []byte(`{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms"}`), authSigned}},
		{"rule-gateway-html", []any{"GET", start + "/id/1", js + "\nX-Fault: html", []byte{}, authSigned}},
		{"rule-code-as-string-basic", []any{"PUT", start + "/number/+46700000000", js + "\nX-Fault: code", []byte(`{"method":"sms","sms":{"code":"1234"}}`), authBasic}},
		{"rule-example-40001", []any{"PUT", start + "/id/1", js, []byte(`{"method":"sms","sms":{"code":"1234"}}`), authSigned}},
		{"rule-empty-503", []any{"GET", "/x/y", "", []byte{}, authAsGiven}},
		{"pass-through", []any{"GET", start + "/id/1", js, []byte{}, authSigned}},
		{"admin-session-rules", []any{"POST", "/__vcheck/sessions", js, []byte(`{"rules":["GET /x => sinch(40400)"]}`), authAsGiven}},
		{"admin-session-bad-rule", []any{"POST", "/__vcheck/sessions", js, []byte(`{"rules":["GET /x => nope(1)"]}`), authAsGiven}},
		{"admin-session-scenario", []any{"POST", "/__vcheck/sessions", js, []byte(`{"scenario":"retry.503-twice"}`), authAsGiven}},
		{"admin-session-unknown-field", []any{"POST", "/__vcheck/sessions", js, []byte(`{"scenario":"x","extra":1}`), authAsGiven}},
		{"admin-global", []any{"GET", "/__vcheck/global", "", []byte{}, authAsGiven}},
		{"admin-observation-unknown-session", []any{"POST", "/__vcheck/sessions/s-9/observation", js, []byte(`{"result":"success"}`), authAsGiven}},
		{"unknown-session-header", []any{"GET", "/x/y", "Vcheck-Session: s-1", []byte{}, authSigned}},
	}
}
