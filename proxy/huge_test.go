package proxy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// discard is a ResponseWriter that keeps nothing of the body, so that an
// allocation count sees only the proxy's own.
type discard struct {
	h      http.Header
	status int
	n      int64
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(s int)           { d.status = s }
func (d *discard) Write(b []byte) (int, error) { d.n += int64(len(b)); return len(b), nil }

func hugeProxy(t testing.TB) *Proxy {
	r, err := ParseRule(`GET /x => sinch(50000), body(huge)`)
	require.NoError(t, err)
	p, err := New(Config{Upstream: "http://127.0.0.1:1", Rules: []Rule{r}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func serveHuge(p *Proxy) *discard {
	d := &discard{h: http.Header{}}
	p.ServeHTTP(d, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8081/x", nil))
	return d
}

// TestHuge_allocationPerAnswerIsBounded sends body(huge) answers to a
// writer that keeps nothing: the proxy must not allocate the 16 MiB per
// answer (100 clients that never read once held 1.95 GB). Not parallel:
// TotalAlloc counts the whole process, so other tests must be paused.
func TestHuge_allocationPerAnswerIsBounded(t *testing.T) {
	p := hugeProxy(t)
	d := serveHuge(p)
	require.Equal(t, http.StatusInternalServerError, d.status)
	require.EqualValues(t, HugeSize, d.n)
	const answers = 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range answers {
		serveHuge(p)
	}
	runtime.ReadMemStats(&after)
	per := (after.TotalAlloc - before.TotalAlloc) / answers
	assert.Less(t, per, uint64(1<<20), "%d bytes allocated per huge answer", per)
}

func BenchmarkHugeAnswer(b *testing.B) {
	p := hugeProxy(b)
	b.ReportAllocs()
	b.SetBytes(HugeSize)
	for b.Loop() {
		serveHuge(p)
	}
}

// TestHuge_bodyAsSentIsTheWholeDocument checks the generated body against
// the body built in one piece, whole and cut (partial answers send a cut).
func TestHuge_bodyAsSentIsTheWholeDocument(t *testing.T) {
	t.Parallel()
	st, _, whole, ok := Synthesize(mustParse(t, `GET /x => sinch(40001), body(huge)`))
	require.True(t, ok)
	assert.Equal(t, 400, st)
	require.Len(t, whole, HugeSize)
	var doc struct {
		ErrorCode int    `json:"errorCode"`
		Padding   string `json:"padding"`
	}
	require.NoError(t, json.Unmarshal(whole, &doc))
	assert.Equal(t, 40001, doc.ErrorCode)
	assert.Equal(t, string(bytes.Repeat([]byte("x"), len(doc.Padding))), doc.Padding)

	ans := synthesize(&Action{Kind: ActSinch, Code: 40001}, nil, &Action{Kind: ActBody, Body: BodyHuge})
	for _, n := range []int{0, 1, ans.padAt - 1, ans.padAt, ans.padAt + 1, HugeSize / 2, HugeSize - 2, HugeSize - 1, HugeSize, HugeSize + 5} {
		var buf bytes.Buffer
		require.NoError(t, ans.writeBody(&buf, n))
		assert.True(t, bytes.Equal(whole[:min(n, HugeSize)], buf.Bytes()), "first %d bytes", n)
	}
}

// TestHuge_overLoopbackIsWhole reads a whole huge answer from a
// session port.
func TestHuge_overLoopbackIsWhole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	info, err := h.p.NewSession("", []Rule{mustParse(t, `GET /x => sinch(50000), body(huge)`)})
	require.NoError(t, err)
	resp, err := client(30 * time.Second).Get(info.BaseURL + "/x")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Len(t, b, HugeSize)
	assert.True(t, json.Valid(b))
}

func mustParse(t testing.TB, text string) Rule {
	t.Helper()
	r, err := ParseRule(text)
	require.NoError(t, err)
	return r
}
