package mock

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// benchRequest is the benchmark's request: a signed start whose number lacks
// its leading plus, so that it passes authentication and fails validation
// (40005), the mock's most common answer under a conformance run.
func benchRequest(b *testing.B, now time.Time) (*http.Request, []byte) {
	body := []byte(`{"identity":{"type":"number","endpoint":"447700900123"},"method":"sms"}`)
	req := httptest.NewRequest(http.MethodPost, pathStart, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if err := contracts.SignRequest(req, body, DefaultCredentials(), now); err != nil {
		b.Fatal(err)
	}
	return req, body
}

// discard is a ResponseWriter that keeps nothing, so that the benchmarks
// measure the handlers, not a recorder.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// BenchmarkHandlerValidationFailure is the mock's handler alone on the
// benchmark request: signature verified, body parsed, 40005 written.
func BenchmarkHandlerValidationFailure(b *testing.B) {
	now := time.Now()
	s, err := New(Config{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	req, body := benchRequest(b, now)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		req.Body = readCloser{bytes.NewReader(body)}
		clear(w.h)
		s.ServeHTTP(w, req)
	}
	if w.code != 400 {
		b.Fatalf("HTTP %d, want 400", w.code)
	}
}

// BenchmarkHandlerBare is the baseline: a handler that reads the body and
// writes the same canned error body.
func BenchmarkHandlerBare(b *testing.B) {
	golden, _ := fixtures.Golden(40005)
	h := bareHandler(golden)
	now := time.Now()
	req, body := benchRequest(b, now)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		req.Body = readCloser{bytes.NewReader(body)}
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// bareHandler writes a canned JSON body: what a mock that checks nothing
// costs.
func bareHandler(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = bytes.NewBuffer(nil).ReadFrom(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(body)
	})
}
