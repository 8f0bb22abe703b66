package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/contracts"
)

// realAPI is a non-loopback upstream that only fakeUpstream ever answers.
const realAPI = "https://verification.api.example.test"

// fakeUpstream is a RoundTripper that records what would have reached a
// non-loopback upstream and never dials: a test cannot reach a real API.
type fakeUpstream struct {
	mu   sync.Mutex
	seen []string
}

func (f *fakeUpstream) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	f.mu.Lock()
	f.seen = append(f.seen, r.Method+" "+r.URL.String())
	f.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"id":"1"}`)), Request: r}, nil
}

func (f *fakeUpstream) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// behindRealAPI is a proxy in front of realAPI through a fakeUpstream.
func behindRealAPI(t *testing.T) (*Proxy, *fakeUpstream) {
	t.Helper()
	fake := &fakeUpstream{}
	p, err := New(Config{Upstream: realAPI, Transport: fake, Credentials: []contracts.Credentials{testCred}})
	require.NoError(t, err)
	require.False(t, p.UpstreamIsLoopback())
	t.Cleanup(func() { _ = p.Close() })
	return p, fake
}

// serveRaw sends a request line exactly as given (no client cleans the
// path) to the proxy's default port, in-process.
func serveRaw(p *Proxy, method, target string, hdr ...string) *http.Response {
	req := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(startBody))
	req.Method = method
	u, err := url.ParseRequestURI(target)
	if err != nil {
		panic(err)
	}
	req.URL, req.RequestURI = u, target
	req.Host = "127.0.0.1:8081"
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, req)
	return rec.Result()
}

func TestGuard_everyFormOfAStartIsRefused(t *testing.T) {
	t.Parallel()
	const s = "/verification/v1/verifications"
	for _, tc := range []struct {
		name, method, target string
		hdr                  []string
	}{
		{"literal", "POST", s, nil},
		{"leading double slash", "POST", "/" + s, nil},
		{"trailing double slash", "POST", s + "//", nil},
		{"trailing slash", "POST", s + "/", nil},
		{"dot segment", "POST", "/verification/v1/./verifications", nil},
		{"dot-dot segment", "POST", "/verification/v1/x/../verifications", nil},
		{"inner double slash", "POST", "/verification//v1/verifications", nil},
		{"semicolon parameter", "POST", s + ";x=1", nil},
		{"upper case", "POST", "/VERIFICATION/V1/VERIFICATIONS", nil},
		{"lower-case method", "post", s, nil},
		{"mixed-case method", "pOsT", s, nil},
		{"percent-encoded letter", "POST", "/verification/v1/%76erifications", nil},
		{"encoded slashes", "POST", "/verification%2Fv1%2Fverifications", nil},
		{"double-encoded", "POST", "/verification/v1/%2576erifications", nil},
		{"double-encoded slash", "POST", "/verification%252Fv1/verifications", nil},
		{"query", "POST", s + "?a=1", nil},
		{"legacy base path", "POST", "/v1/verifications", nil},
		{"another path", "POST", "/anything", nil},
		{"unknown method", "PATCH", s, nil},
		{"override header", "GET", s, []string{"X-HTTP-Method-Override", "POST"}},
		{"override header lower case", "PUT", s, []string{"x-http-method-override", " post "}},
		{"x-http-method", "GET", s, []string{"X-HTTP-Method", "POST"}},
		{"x-method-override", "GET", s, []string{"X-Method-Override", "POST"}},
		{"_method parameter", "GET", s + "?_method=POST", nil},
		{"_method parameter upper-case name", "GET", s + "?_METHOD=post", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, fake := behindRealAPI(t)
			resp := serveRaw(p, tc.method, tc.target, tc.hdr...)
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, "side-effects", resp.Header.Get(HeaderError))
			assertNotSinch(t, body)
			assert.Empty(t, fake.requests(), "the upstream saw the start")
			at := p.Global().Attempts
			require.Len(t, at, 1)
			assert.False(t, at[0].Upstream)
		})
	}
}

func TestGuard_lookupsAndReportsAreForwarded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, method, target string }{
		{"status by id", "GET", "/verification/v1/verifications/id/1"},
		{"status by reference", "GET", "/verification/v1/verifications/reference/r"},
		{"report by id", "PUT", "/verification/v1/verifications/id/1"},
		{"override to a lookup", "GET", "/verification/v1/verifications/id/1?_method=GET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, fake := behindRealAPI(t)
			resp := serveRaw(p, tc.method, tc.target)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Empty(t, resp.Header.Get(HeaderError))
			assert.Equal(t, []string{tc.method + " " + realAPI + tc.target}, fake.requests(), "the fake transport carries the request")
		})
	}
}

// TestGuard_sessionPortRefusesAStart checks the guard on a session's own
// port, over loopback HTTP, with the fake transport behind it.
func TestGuard_sessionPortRefusesAStart(t *testing.T) {
	t.Parallel()
	p, fake := behindRealAPI(t)
	info, err := p.NewSession("", nil)
	require.NoError(t, err)
	resp, _, err := send(t, client(5*time.Second), "post", info.BaseURL+"/verification/v1/./verifications/", startBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Empty(t, fake.requests())
}

// TestGuard_startVariantsProperty draws encodings, case and slash variants
// of the start path and of the method: none reaches the upstream.
func TestGuard_startVariantsProperty(t *testing.T) {
	t.Parallel()
	p, fake := behindRealAPI(t)
	segs := []string{"verification", "v1", "verifications"}
	rapid.Check(t, func(t *rapid.T) {
		var b strings.Builder
		for i, seg := range segs {
			b.WriteString(strings.Repeat("/", rapid.IntRange(1, 3).Draw(t, "slashes"+string(rune('0'+i)))))
			if rapid.Bool().Draw(t, "dot segment") {
				b.WriteString("./")
			}
			for j, c := range []byte(seg) {
				switch rapid.IntRange(0, 3).Draw(t, "char "+seg+string(rune('0'+j))) {
				case 0:
					b.WriteByte(c)
				case 1:
					b.WriteString(strings.ToUpper(string(c)))
				case 2:
					b.WriteString(url.PathEscape("%") + strings.ToUpper(hex2(c))) // double-encoded
				case 3:
					b.WriteString("%" + hex2(c))
				}
			}
		}
		b.WriteString(rapid.SampledFrom([]string{"", "/", "//", ";x=1", "/.", "?a=b"}).Draw(t, "tail"))
		method := rapid.SampledFrom([]string{"POST", "post", "Post", "pOST"}).Draw(t, "method")
		var hdr []string
		if rapid.Bool().Draw(t, "via override") {
			hdr = []string{"X-HTTP-Method-Override", method}
			method = rapid.SampledFrom([]string{"GET", "PUT"}).Draw(t, "carrier")
		}
		resp := serveRaw(p, method, b.String(), hdr...)
		if resp.StatusCode != http.StatusForbidden || len(fake.requests()) != 0 {
			t.Fatalf("%s %s %v: HTTP %d, the upstream saw %v", method, b.String(), hdr, resp.StatusCode, fake.requests())
		}
	})
}

func hex2(c byte) string {
	return strings.ToLower(string("0123456789ABCDEF"[c>>4]) + string("0123456789ABCDEF"[c&15]))
}
