package runner

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// breakingServer reads each request in full, counts it by method, and then
// breaks the connection instead of answering: the request reached the
// target, the answer never came.
type breakingServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen map[string]int
}

func newBreakingServer(t *testing.T, reset bool) *breakingServer {
	t.Helper()
	b := &breakingServer{seen: map[string]int{}}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		b.mu.Lock()
		b.seen[r.Method]++
		b.mu.Unlock()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok && reset {
			_ = tc.SetLinger(0) // close with RST: "connection reset by peer"
		}
		_ = conn.Close()
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *breakingServer) count(method string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seen[method]
}

// TestDoer_neverResendsWhatMayHaveReachedTheTarget: a start or a report
// that broke off after the target read it is sent once and reported as a
// transport failure that says why it was not re-sent; a status lookup is
// re-sent up to the retry bound.
func TestDoer_neverResendsWhatMayHaveReachedTheTarget(t *testing.T) {
	t.Parallel()
	const retries = 2
	tests := []struct {
		name      string
		method    string
		path      string
		body      string
		reset     bool
		wantSent  int
		notResent string
	}{
		{"start, connection reset", http.MethodPost, "/verification/v1/verifications", `{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms"}`, true, 1, "not re-sent: a start may have reached the target"},
		{"start, connection closed", http.MethodPost, "/verification/v1/verifications", `{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms"}`, false, 1, "not re-sent: a start may have reached the target"},
		{"report, connection reset", http.MethodPut, "/verification/v1/verifications/id/abc", `{"method":"sms","sms":{"code":"1234"}}`, true, 1, "not re-sent: a report may have reached the target"},
		{"report, connection closed", http.MethodPut, "/verification/v1/verifications/id/abc", `{"method":"sms","sms":{"code":"1234"}}`, false, 1, "not re-sent: a report may have reached the target"},
		{"status, connection reset", http.MethodGet, "/verification/v1/verifications/id/abc", "", true, retries + 1, ""},
		{"status, connection closed", http.MethodGet, "/verification/v1/verifications/id/abc", "", false, retries + 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newBreakingServer(t, tt.reset)
			d := &doer{client: newHTTPClient(1), timeout: 5 * time.Second, retries: retries}
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, body)
			require.NoError(t, err)
			resp, err := d.Do(req)
			if resp != nil {
				resp.Body.Close()
			}
			var te *TransportError
			require.True(t, errors.As(err, &te), "want a TransportError, got %v", err)
			assert.Equal(t, tt.wantSent, srv.count(tt.method), "requests that reached the target")
			assert.Equal(t, int64(tt.wantSent-1), d.retried.Load(), "re-sends")
			assert.Equal(t, tt.notResent, te.NotResent)
			if tt.notResent != "" {
				assert.Contains(t, err.Error(), tt.notResent, "the reason is in what reports print")
			}
		})
	}
}

// TestDoer_resendsAfterARefusedDial: a refused connection is refused
// before a byte is written, so even a start is re-sent.
func TestDoer_resendsAfterARefusedDial(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: connect is refused
	d := &doer{client: newHTTPClient(1), timeout: 5 * time.Second, retries: 2}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+addr+"/verification/v1/verifications", strings.NewReader(`{}`))
	require.NoError(t, err)
	_, err = d.Do(req)
	var te *TransportError
	require.True(t, errors.As(err, &te), "want a TransportError, got %v", err)
	assert.Equal(t, TransportRefused, te.Kind)
	assert.Empty(t, te.NotResent)
	assert.Equal(t, int64(2), d.retried.Load(), "re-sent up to the bound")
	assert.Equal(t, int64(3), d.used.Load(), "each attempt is taken from the budget")
}

func TestNoResend(t *testing.T) {
	t.Parallel()
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	read := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	tests := []struct {
		name   string
		method string
		err    error
		want   string
	}{
		{"GET after a read error", http.MethodGet, read, ""},
		{"HEAD after a read error", http.MethodHead, read, ""},
		{"POST after a dial error", http.MethodPost, dial, ""},
		{"PUT after a dial error", http.MethodPut, dial, ""},
		{"POST after no such host", http.MethodPost, &net.DNSError{Err: "no such host", Name: "example.invalid", IsNotFound: true}, ""},
		{"POST after a read error", http.MethodPost, read, "not re-sent: a start may have reached the target"},
		{"POST after a timeout", http.MethodPost, errors.New("context deadline exceeded"), "not re-sent: a start may have reached the target"},
		{"PUT after a read error", http.MethodPut, read, "not re-sent: a report may have reached the target"},
		{"DELETE after a read error", http.MethodDelete, read, "not re-sent: a DELETE may have reached the target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, "http://127.0.0.1:9/x", nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, noResend(req, tt.err))
		})
	}
}
