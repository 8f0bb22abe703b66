package fuzz

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// The authentications FuzzMockHandler applies on top of the headers it
// is given (auth modulo 3), so that the fuzzer reaches past the 401s into
// routing, validation and state.
const (
	authAsGiven = iota // only what the headers string says
	authSigned         // Application-signed with the mock's credentials at fuzzNow
	authBasic          // Basic with the mock's credentials
)

// mockNow is the mock's clock and the signing time: fixed, so that a find
// replays the same way.
func mockNow() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// FuzzMockHandler feeds an arbitrary method, path, headers ("Name: value"
// lines) and body to the mock's handler, signed or not (auth). The handler
// must never panic and must always answer either a documented error (a
// well-formed JSON body whose errorCode is in the catalog, sent with the
// catalog's HTTP status and status string, Content-Type application/json,
// nothing but a parameter-specific message differing from the docs) or a
// documented success (200, application/json, an object with an id and a
// documented status if any). No network: httptest.NewRecorder.
func FuzzMockHandler(f *testing.F) {
	const start = "/verification/v1/verifications"
	const js = "Content-Type: application/json"
	f.Add("POST", start, js, []byte(`{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms"}`), authSigned)
	f.Add("PUT", start+"/number/+447700900123", js, []byte(`{"method":"sms","sms":{"code":"1234"}}`), authSigned)
	f.Add("GET", start+"/id/x", "Authorization: Bearer x", []byte{}, authAsGiven)
	cat := contracts.DefaultCatalog()
	f.Fuzz(func(t *testing.T, method, path, headers string, body []byte, auth int) {
		s, err := mock.New(mock.Config{Now: mockNow, MaxEntries: 64})
		if err != nil {
			t.Fatal(err)
		}
		req, ok := fuzzRequest(t, method, path, headers, body, auth, mock.DefaultCredentials())
		if !ok {
			return
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)

		res := rec.Result()
		got := rec.Body.Bytes()
		ct := res.Header.Get("Content-Type")
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			t.Fatalf("HTTP %d with Content-Type %q, want application/json; body %q", res.StatusCode, ct, got)
		}
		if res.StatusCode >= 200 && res.StatusCode < 300 {
			checkMockSuccess(t, res.StatusCode, got)
			return
		}
		e := contracts.ParseErrorBody(got)
		e.HTTPStatus, e.ContentType = res.StatusCode, ct
		spec, ok := cat.Lookup(e.Code)
		if !ok {
			t.Fatalf("HTTP %d with errorCode %d, not in the catalog; body %q", res.StatusCode, e.Code, got)
		}
		for _, p := range cat.Validate(e) {
			if p.Kind != contracts.ProblemMessage {
				t.Fatalf("HTTP %d body %q: %s", res.StatusCode, got, p)
			}
		}
		if e.Message == "" || e.Status != spec.Status || res.StatusCode != spec.HTTPStatus {
			t.Fatalf("HTTP %d body %q: not the catalog's %d", res.StatusCode, got, spec.Code)
		}
	})
}

// fuzzRequest builds the request of a handler target: method, path, the
// headers as "Name: value" lines, body, and the authentication auth
// (modulo 3) applies with cred at mockNow. false: net/http refuses the
// method or the URL before any handler sees it.
func fuzzRequest(t *testing.T, method, path, headers string, body []byte, auth int, cred contracts.Credentials) (*http.Request, bool) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, "http://vcheck.test"+path, bytes.NewReader(body))
	if err != nil {
		return nil, false
	}
	for _, line := range strings.Split(headers, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if name = strings.TrimSpace(name); ok && name != "" {
			req.Header.Add(name, strings.TrimSpace(value))
		}
	}
	switch ((auth % 3) + 3) % 3 {
	case authSigned:
		if err := contracts.SignRequest(req, body, cred, mockNow()); err != nil {
			t.Fatal(err)
		}
	case authBasic:
		req.Header.Set("Authorization", contracts.BasicAuthorization(cred))
	}
	return req, true
}

// checkMockSuccess accepts a documented success body: a JSON object with a
// non-empty id and, when it has a status, a documented one.
func checkMockSuccess(t *testing.T, status int, body []byte) {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("success HTTP %d, want 200; body %q", status, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		t.Fatalf("success body is not a JSON object: %q", body)
	}
	if id, _ := m["id"].(string); id == "" {
		t.Fatalf("success body without an id: %q", body)
	}
	if st, has := m["status"]; has {
		if !slices.Contains([]any{"PENDING", "SUCCESSFUL", "FAIL", "DENIED", "ABORTED", "ERROR"}, st) {
			t.Fatalf("success body with an undocumented status: %q", body)
		}
	}
	if _, has := m["method"]; !has {
		t.Fatalf("success body without a method: %q", body)
	}
}
