package proxy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// testCred is what the tests sign with; the record must never show it.
var testCred = contracts.Credentials{Key: "proxy-test-key", Secret: contracts.NewSecret("cHJveHkgdGVzdCBzZWNyZXQ=")} // base64("proxy test secret")

// upstream is a stand-in for the API: it answers 200 {"id":"N"} and counts
// what it executed.
type upstream struct {
	*httptest.Server
	hits    atomic.Int64
	mu      sync.Mutex
	headers []http.Header
	hosts   []string
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := u.hits.Add(1)
		u.mu.Lock()
		u.headers = append(u.headers, r.Header.Clone())
		u.hosts = append(u.hosts, r.Host)
		u.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Upstream", "yes")
		_, _ = w.Write([]byte(`{"id":"` + itoa(n) + `","method":"sms"}`))
	}))
	t.Cleanup(u.Close)
	return u
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// harness is a proxy on the default port in front of an upstream.
type harness struct {
	up    *upstream
	p     *Proxy
	srv   *httptest.Server
	recMu sync.Mutex
	rec   bytes.Buffer
}

func (h *harness) Write(b []byte) (int, error) {
	h.recMu.Lock()
	defer h.recMu.Unlock()
	return h.rec.Write(b)
}

func (h *harness) record() string {
	h.recMu.Lock()
	defer h.recMu.Unlock()
	return h.rec.String()
}

func newHarness(t *testing.T, cfg Config, rules ...string) *harness {
	t.Helper()
	return newHarnessVia(t, false, cfg, rules...)
}

// newHarnessVia is newHarness with the upstream served in-process
// (Config.Handler) when inProcess, over HTTP otherwise.
func newHarnessVia(t *testing.T, inProcess bool, cfg Config, rules ...string) *harness {
	t.Helper()
	h := &harness{up: newUpstream(t)}
	if inProcess {
		cfg.Handler = h.up.Config.Handler
	} else {
		cfg.Upstream = h.up.URL
	}
	for _, text := range rules {
		r, err := ParseRule(text)
		require.NoError(t, err, text)
		cfg.Rules = append(cfg.Rules, r)
	}
	if cfg.MaxHang == 0 {
		cfg.MaxHang = 2 * time.Second
	}
	cfg.Credentials = append(cfg.Credentials, testCred)
	cfg.Record = h
	p, err := New(cfg)
	require.NoError(t, err)
	h.p = p
	h.srv = httptest.NewServer(p)
	t.Cleanup(func() { h.srv.Close(); _ = p.Close() })
	return h
}

// client is a fresh-connection client: no reuse, so a reset is never
// retried by the transport on another connection.
func client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

// send sends a signed request and returns the response (body read) or the
// transport error.
func send(t *testing.T, c *http.Client, method, url string, body string, hdr ...string) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, contracts.SignRequest(req, []byte(body), testCred, time.Now()))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

const startBody = `{"identity":{"type":"number","endpoint":"+46700000000"},"method":"sms","reference":"ref-1"}`

func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// waitAttempts waits (bounded) until the global session holds n attempts:
// a record is written when the handler returns, which may be just after
// the client saw the connection end.
func waitAttempts(t *testing.T, h *harness, n int) []Attempt {
	t.Helper()
	var at []Attempt
	require.Eventually(t, func() bool {
		at = h.p.Global().Attempts
		return len(at) >= n
	}, 5*time.Second, 5*time.Millisecond)
	return at
}

func lastAttempt(t *testing.T, h *harness) Attempt {
	t.Helper()
	at := waitAttempts(t, h, 1)
	return at[len(at)-1]
}

// assertNotSinch checks that a body is not a Sinch error body.
func assertNotSinch(t *testing.T, body []byte) {
	t.Helper()
	assert.True(t, strings.HasPrefix(string(body), "vcheck proxy: "), "%q", body)
	assert.NotContains(t, string(body), "errorCode")
}
