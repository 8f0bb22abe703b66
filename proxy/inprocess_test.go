package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/fixtures"
)

// upstreamKinds runs f with the upstream over HTTP and in-process: a rule
// must behave the same whichever way the answer is fetched.
func upstreamKinds(t *testing.T, f func(t *testing.T, inProcess bool)) {
	for _, kind := range []struct {
		name      string
		inProcess bool
	}{{"http", false}, {"in-process", true}} {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			f(t, kind.inProcess)
		})
	}
}

func TestUpstream_passThroughIsTheSameAnswerEitherWay(t *testing.T) {
	t.Parallel()
	upstreamKinds(t, func(t *testing.T, inProcess bool) {
		h := newHarnessVia(t, inProcess, Config{})
		resp, body, err := send(t, client(5*time.Second), "POST", h.srv.URL+start, startBody,
			"Connection", "keep-alive, X-Hop", "X-Hop", "this connection only", "Te", "trailers", "X-End", "to the upstream")
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "yes", resp.Header.Get("X-Upstream"))
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		assert.Equal(t, `{"id":"1","method":"sms"}`, string(body))
		assert.Equal(t, int64(len(body)), resp.ContentLength)
		assert.EqualValues(t, 1, h.up.hits.Load())

		a := lastAttempt(t, h)
		assert.Equal(t, OutAnswered, a.Outcome)
		assert.True(t, a.Upstream)
		assert.Equal(t, 200, a.UpstreamStatus)

		h.up.mu.Lock()
		defer h.up.mu.Unlock()
		got := h.up.headers[0]
		assert.NotEmpty(t, got.Get("Authorization"), "end-to-end headers pass")
		assert.NotEmpty(t, got.Get("X-Timestamp"))
		assert.Equal(t, "to the upstream", got.Get("X-End"))
		assert.Empty(t, got.Get("Te"), "hop-by-hop headers stop at the proxy")
		assert.Empty(t, got.Get("X-Hop"), "so do the headers Connection names")
	})
}

func TestUpstream_inProcessKeepsTheProxysHost(t *testing.T) {
	t.Parallel()
	h := newHarnessVia(t, true, Config{})
	_, _, err := send(t, client(5*time.Second), "GET", h.srv.URL+"/verification/v1/verifications/id/1", "")
	require.NoError(t, err)
	h.up.mu.Lock()
	defer h.up.mu.Unlock()
	require.Len(t, h.up.hosts, 1)
	assert.Equal(t, strings.TrimPrefix(h.srv.URL, "http://"), h.up.hosts[0],
		"links the upstream builds from Host name the proxy, so a client following them stays behind it")
}

func TestUpstream_rulesOnAForwardedAnswer(t *testing.T) {
	t.Parallel()
	upstreamKinds(t, func(t *testing.T, inProcess bool) {
		h := newHarnessVia(t, inProcess, Config{MaxHang: 300 * time.Millisecond},
			`GET /h => header(Retry-After=2)`,
			`GET /p => partial(0.5,close)`,
			`lost: POST `+start+` => lose(reset) times=1`)
		c := client(5 * time.Second)

		resp, _, err := send(t, c, "GET", h.srv.URL+"/h", "")
		require.NoError(t, err)
		assert.Equal(t, "2", resp.Header.Get("Retry-After"))
		assert.Equal(t, "yes", resp.Header.Get("X-Upstream"))

		req, err := http.NewRequest("GET", h.srv.URL+"/p", nil)
		require.NoError(t, err)
		resp, err = c.Do(req)
		require.NoError(t, err)
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Error(t, err, "the body is cut short")
		assert.Equal(t, `{"id":"2","m`, string(got))

		_, _, err = send(t, c, "POST", h.srv.URL+start, startBody)
		require.Error(t, err)
		assert.True(t, errors.Is(err, syscall.ECONNRESET), "want a reset, got %v", err)
		assert.EqualValues(t, 3, h.up.hits.Load(), "the upstream executed the lost start")
		at := waitAttempts(t, h, 3)
		assert.Equal(t, OutLost, at[2].Outcome)
		assert.True(t, at[2].Upstream)
	})
}

func TestUpstream_inProcessStartNeedsNoConsent(t *testing.T) {
	t.Parallel()
	h := newHarnessVia(t, true, Config{})
	resp, _, err := send(t, client(5*time.Second), "POST", h.srv.URL+start, startBody)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode, "an in-process upstream is the mock, not the real API")
	assert.True(t, h.p.UpstreamIsLoopback())
}

// inProcess serves handler in-process behind a proxy and returns its URL.
func inProcess(t *testing.T, handler http.Handler) (*Proxy, string) {
	t.Helper()
	return behind(t, true, handler)
}

// behind puts a proxy in front of handler, in-process or on a port of its
// own, and returns the proxy and its URL.
func behind(t *testing.T, inProcess bool, handler http.Handler) (*Proxy, string) {
	t.Helper()
	cfg := Config{MaxHang: 2 * time.Second}
	if inProcess {
		cfg.Handler = handler
	} else {
		cfg.Upstream = newServer(t, handler)
	}
	p, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p, newServer(t, p)
}

func TestUpstream_gzipAnswerIsRelayedAsIsAndRecordedDecoded(t *testing.T) {
	t.Parallel()
	golden, ok := fixtures.Golden(40003)
	require.True(t, ok)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(golden)
	require.NoError(t, zw.Close())
	upstreamKinds(t, func(t *testing.T, inProcess bool) {
		p, url := behind(t, inProcess, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.Header.Get("Accept-Encoding") == "gzip" {
				w.Header().Set("Content-Encoding", "gzip")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write(zipped.Bytes())
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(golden)
		}))
		tr := &http.Transport{DisableKeepAlives: true, DisableCompression: true}
		resp, body, err := send(t, &http.Client{Transport: tr, Timeout: 5 * time.Second}, "GET", url+"/x", "", "Accept-Encoding", "gzip")
		require.NoError(t, err)
		assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
		assert.Equal(t, zipped.Bytes(), body, "relayed byte for byte")
		require.Eventually(t, func() bool { return len(p.Global().Attempts) == 1 }, 5*time.Second, 5*time.Millisecond)
		assert.Equal(t, 40003, p.Global().Attempts[0].ErrorCode, "the record reads the inflated body")
	})
}

func TestUpstream_inProcessFailuresAreTheProxysOwn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"panic", func(http.ResponseWriter, *http.Request) { panic("boom") }, "the in-process upstream failed: boom"},
		{"abort", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"id":`))
			panic(http.ErrAbortHandler)
		}, "the in-process upstream failed"},
		{"too large", func(w http.ResponseWriter, _ *http.Request) {
			chunk := make([]byte, 1<<20)
			for range MaxUpstreamBody/len(chunk) + 1 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "over 8388608 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, url := inProcess(t, tc.handler)
			c := client(5 * time.Second)
			resp, body, err := send(t, c, "GET", url+"/x", "")
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
			assert.Equal(t, "upstream-answer", resp.Header.Get(HeaderError))
			assertNotSinch(t, body)
			assert.Contains(t, string(body), tc.want)
			require.Eventually(t, func() bool { return len(p.Global().Attempts) == 1 }, 5*time.Second, 5*time.Millisecond)
			a := p.Global().Attempts[0]
			assert.Equal(t, OutProxyError, a.Outcome)
			assert.False(t, a.Upstream)

			resp, _, err = send(t, c, "GET", url+"/x", "")
			require.NoError(t, err, "the proxy still serves after a failed upstream")
			assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
		})
	}
}

func TestUpstream_inProcessSeesTheClientLeave(t *testing.T) {
	t.Parallel()
	canceled := make(chan error, 1)
	p, url := inProcess(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			canceled <- context.Cause(r.Context())
		case <-time.After(5 * time.Second):
			canceled <- nil
		}
	}))
	_, _, err := send(t, client(200*time.Millisecond), "GET", url+"/x", "")
	require.Error(t, err)
	select {
	case err := <-canceled:
		assert.Error(t, err, "the upstream's request ends with the client's")
	case <-time.After(5 * time.Second):
		t.Fatal("the in-process upstream never returned")
	}
	require.Eventually(t, func() bool { return len(p.Global().Attempts) == 1 }, 5*time.Second, 5*time.Millisecond)
	a := p.Global().Attempts[0]
	require.NotNil(t, a.ClientHungUpMS)
	assert.InDelta(t, 200, *a.ClientHungUpMS, 1000)
}

func TestNew_inProcessNeedsNoUpstreamURL(t *testing.T) {
	t.Parallel()
	_, err := New(Config{})
	require.ErrorContains(t, err, "Upstream: empty")
	_, err = New(Config{Handler: http.NotFoundHandler()})
	require.NoError(t, err)
	_, err = ParseUpstream("ftp://x")
	require.ErrorContains(t, err, `upstream "ftp://x": want an http:// or https:// URL`)
}
