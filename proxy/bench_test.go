package proxy

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchRules are rules a request walks past before the last one fires:
// other methods, other paths, a header and a body condition.
var benchRules = []string{
	`POST /verification/v1/verifications => sinch(40001)`,
	`PUT /verification/v1/verifications/id/* => sinch(40003)`,
	`GET /verification/v1/verifications/number/* => sinch(40400)`,
	`GET /verification/v1/verifications/reference/* => status(502), body(html)`,
	`DELETE * => reset`,
	`* /other/... => hang`,
	`GET /verification/v1/verifications/id/* header:X-Other=1 => sinch(50300)`,
	`GET /verification/v1/verifications/id/* body:/method=sms => sinch(50000)`,
	`flaky: GET /verification/v1/verifications/id/* header:X-Fault~^y => sinch(40400)`,
}

// BenchmarkRuleMatching is the cost of one attempt on the default port
// when the ninth rule fires (the rules before it are walked and rejected)
// against the same request with no rules at all, which the in-process
// upstream answers; and the admin routing of an unknown session, the
// cheapest admin answer. No network: the handler is called directly.
func BenchmarkRuleMatching(b *testing.B) {
	var rules []Rule
	for _, text := range benchRules {
		rules = append(rules, mustParse(b, text))
	}
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"1"}`))
	})
	for _, bc := range []struct {
		name, path string
		rules      []Rule
		want       int
	}{
		{"ninth-rule-fires", "/verification/v1/verifications/id/123", rules, http.StatusNotFound},
		{"no-rules", "/verification/v1/verifications/id/123", nil, http.StatusOK},
		{"admin-unknown-session", "/__vcheck/sessions/s0-none", rules, http.StatusNotFound},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p, err := New(Config{Handler: up, Rules: bc.rules})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = p.Close() })
			req := httptest.NewRequest(http.MethodGet, bc.path, nil)
			req.Host = "localhost" // the admin API answers only its own host
			req.Header.Set("X-Fault", "yes")
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				p.ServeHTTP(w, req)
				if w.Code != bc.want {
					b.Fatalf("HTTP %d, want %d: %s", w.Code, bc.want, w.Body)
				}
			}
		})
	}
}
