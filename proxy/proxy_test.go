package proxy

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/fixtures"
)

const start = "/verification/v1/verifications"

func TestProxy_sinchBodyFromCatalogByteForByte(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `POST `+start+` => sinch(50300)`, `GET /verification/v1/... => sinch(50300,example)`)
	resp, body, err := send(t, client(5*time.Second), "POST", h.srv.URL+start, startBody)
	require.NoError(t, err)
	golden, ok := fixtures.Golden(50300)
	require.True(t, ok)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, string(golden), string(body))
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Empty(t, resp.Header.Get(HeaderError))

	resp, body, err = send(t, client(5*time.Second), "GET", h.srv.URL+"/verification/v1/verifications/id/1", "")
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Contains(t, string(body), `"errorCode": 50500`, "the published example, erratum 3 included")
	assert.Zero(t, h.up.hits.Load(), "a synthesized answer never reaches the upstream")
}

func TestProxy_statusBodyAndHeaderActions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rule        string
		status      int
		contentType string
		body        func(t *testing.T, b []byte)
	}{
		{`GET /x => status(502), body(html)`, 502, "text/html", func(t *testing.T, b []byte) { assert.Equal(t, GatewayPage, string(b)) }},
		{`GET /x => body(text)`, 503, "text/plain", func(t *testing.T, b []byte) { assert.Equal(t, "Service Unavailable\n", string(b)) }},
		{`GET /x => body(empty)`, 503, "application/json", func(t *testing.T, b []byte) { assert.Empty(t, b) }},
		{`GET /x => status(200), body(notjson)`, 200, "application/json", func(t *testing.T, b []byte) { assert.False(t, json.Valid(b)) }},
		{`GET /x => sinch(42900), body(code-as-string)`, 429, "application/json", func(t *testing.T, b []byte) {
			assert.JSONEq(t, `{"status":"429 CapacityExceeded","errorCode":"42900","message":"Request capacity exceeded"}`, string(b))
		}},
		{`GET /x => status(418)`, 418, "", func(t *testing.T, b []byte) { assert.Empty(t, b) }},
		{`GET /x => sinch(40005), status(200)`, 200, "application/json", func(t *testing.T, b []byte) { assert.Contains(t, string(b), `"errorCode":40005`) }},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Config{}, tc.rule)
			resp, body, err := send(t, client(30*time.Second), "GET", h.srv.URL+"/x", "")
			require.NoError(t, err)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.contentType, resp.Header.Get("Content-Type"))
			tc.body(t, body)
		})
	}
}

func TestProxy_hugeBody(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `GET /x => sinch(50000), body(huge)`)
	resp, err := client(30 * time.Second).Get(h.srv.URL + "/x")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 500, resp.StatusCode)
	assert.EqualValues(t, HugeSize, resp.ContentLength)
	head := make([]byte, 48)
	_, err = io.ReadFull(resp.Body, head)
	require.NoError(t, err)
	assert.Equal(t, `{"status":"500 InternalError","errorCode":50000,`, string(head))
}

func TestProxy_headerAndDelayOnAForwardedAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `GET /x => delay(50ms), header(Retry-After=2)`)
	t0 := time.Now()
	resp, body, err := send(t, client(5*time.Second), "GET", h.srv.URL+"/x", "")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(t0), 50*time.Millisecond)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "2", resp.Header.Get("Retry-After"))
	assert.Equal(t, "yes", resp.Header.Get("X-Upstream"))
	assert.JSONEq(t, `{"id":"1","method":"sms"}`, string(body))
}

func TestProxy_reset(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `POST `+start+` => reset`)
	_, _, err := send(t, client(5*time.Second), "POST", h.srv.URL+start, startBody)
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNRESET), "want a connection reset, got %v", err)
	assert.Zero(t, h.up.hits.Load())
	a := lastAttempt(t, h)
	assert.Equal(t, OutReset, a.Outcome)
	assert.Zero(t, a.Status)
}

func TestProxy_close(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `POST `+start+` => close`)
	_, _, err := send(t, client(5*time.Second), "POST", h.srv.URL+start, startBody)
	require.Error(t, err)
	assert.True(t, errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF"), "want EOF, got %v", err)
	assert.Equal(t, OutClosed, lastAttempt(t, h).Outcome)
}

func TestProxy_hangRecordsWhenTheClientGaveUp(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{MaxHang: 10 * time.Second}, `hung: POST `+start+` => hang`)
	t0 := time.Now()
	_, _, err := send(t, client(200*time.Millisecond), "POST", h.srv.URL+start, startBody)
	require.Error(t, err)
	assert.Less(t, time.Since(t0), 5*time.Second)
	a := waitAttempts(t, h, 1)[0]
	assert.Equal(t, OutHung, a.Outcome)
	assert.Equal(t, "hung", a.Rule)
	require.NotNil(t, a.ClientHungUpMS, "the proxy saw the client leave")
	assert.InDelta(t, 200, *a.ClientHungUpMS, 1000)
}

func TestProxy_hangIsBoundedByMaxHang(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{MaxHang: 150 * time.Millisecond}, `GET /x => hang`)
	_, _, err := send(t, client(5*time.Second), "GET", h.srv.URL+"/x", "")
	require.Error(t, err, "after max-hang the connection closes without an answer")
	a := waitAttempts(t, h, 1)[0]
	assert.Nil(t, a.ClientHungUpMS)
	assert.Equal(t, OutHung, a.Outcome)
}

func TestProxy_partial(t *testing.T) {
	t.Parallel()
	for _, then := range []string{"reset", "close", "hang"} {
		t.Run(then, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Config{MaxHang: 300 * time.Millisecond}, `GET /x => sinch(50300), partial(0.5,`+then+`)`)
			req, err := http.NewRequest("GET", h.srv.URL+"/x", nil)
			require.NoError(t, err)
			resp, err := client(5 * time.Second).Do(req)
			require.NoError(t, err, "the status line and headers arrive")
			defer resp.Body.Close()
			assert.Equal(t, 503, resp.StatusCode)
			golden, _ := fixtures.Golden(50300)
			assert.Equal(t, int64(len(golden)), resp.ContentLength)
			got, err := io.ReadAll(resp.Body)
			require.Error(t, err, "the body is cut short")
			assert.Equal(t, string(golden[:len(golden)/2]), string(got))
			a := waitAttempts(t, h, 1)[0]
			assert.Equal(t, OutPartial, a.Outcome)
			assert.Equal(t, len(golden)/2, a.BytesSent)
			assert.Equal(t, 50300, a.ErrorCode)
		})
	}
}

func TestProxy_loseLetsTheUpstreamExecute(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `lost: POST `+start+` body:/reference~.+ => lose(reset) times=1`)
	c := client(5 * time.Second)
	_, _, err := send(t, c, "POST", h.srv.URL+start, startBody)
	require.Error(t, err)
	assert.EqualValues(t, 1, h.up.hits.Load(), "the upstream executed the start")
	resp, _, err := send(t, c, "POST", h.srv.URL+start, startBody)
	require.NoError(t, err, "times=1: the second passes")
	assert.Equal(t, 200, resp.StatusCode)
	at := waitAttempts(t, h, 2)
	assert.Equal(t, OutLost, at[0].Outcome)
	assert.True(t, at[0].Upstream)
	assert.True(t, at[1].Retry)
	require.NotNil(t, at[1].Resigned)
	require.NotNil(t, at[1].GapMS)
}

func TestProxy_countsTimesAfterEvery(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `GET /x => sinch(50300) after=1 every=2 times=2`)
	c := client(5 * time.Second)
	var got []int
	for range 7 {
		resp, _, err := send(t, c, "GET", h.srv.URL+"/x", "")
		require.NoError(t, err)
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{200, 503, 200, 503, 200, 200, 200}, got)
	st := h.p.Global()
	assert.Equal(t, 7, st.Rules[0].Matched)
	assert.Equal(t, 2, st.Rules[0].Fired)
}

func TestProxy_probabilityIsSeeded(t *testing.T) {
	t.Parallel()
	run := func() []int {
		h := newHarness(t, Config{Seed: 42}, `GET /x => status(500) p=0.5`)
		var got []int
		for range 20 {
			resp, _, err := send(t, client(5*time.Second), "GET", h.srv.URL+"/x", "")
			require.NoError(t, err)
			got = append(got, resp.StatusCode)
		}
		return got
	}
	a, b := run(), run()
	assert.Equal(t, a, b, "the same seed fires the same attempts")
	assert.Contains(t, a, 500)
	assert.Contains(t, a, 200)
}

func TestProxy_conditions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{},
		`POST `+start+` header:X-Chaos=on => sinch(40005)`,
		`POST `+start+` body:/identity/endpoint~^\+467 body:/method=sms => sinch(42901)`)
	c := client(5 * time.Second)
	resp, _, err := send(t, c, "POST", h.srv.URL+start, startBody, "X-Chaos", "on")
	require.NoError(t, err)
	assert.Equal(t, 400, resp.StatusCode)
	resp, _, err = send(t, c, "POST", h.srv.URL+start, startBody)
	require.NoError(t, err)
	assert.Equal(t, 429, resp.StatusCode)
	resp, _, err = send(t, c, "POST", h.srv.URL+start, strings.Replace(startBody, "+467", "+447", 1))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	resp, _, err = send(t, c, "POST", h.srv.URL+start, "not json")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode, "a body condition never matches a body that is not JSON")
}

func TestProxy_ownFailuresAreMarkedAndNotSinch(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	p, err := New(Config{Upstream: dead})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	srv := newServer(t, p)
	resp, body, err := send(t, client(5*time.Second), "GET", srv+"/verification/v1/verifications/id/1", "")
	require.NoError(t, err)
	assert.Equal(t, "upstream-unreachable", resp.Header.Get(HeaderError))
	assertNotSinch(t, body)

	resp, body, err = send(t, client(5*time.Second), "GET", srv+"/x", "", HeaderSession, "nope")
	require.NoError(t, err)
	assert.Equal(t, "unknown-session", resp.Header.Get(HeaderError))
	assertNotSinch(t, body)
}

func TestProxy_startToARealUpstreamNeedsConsent(t *testing.T) {
	t.Parallel()
	// The fake transport never dials: if the guard failed, the start would
	// be recorded by it, not sent to the real API.
	fake := &fakeUpstream{}
	p, err := New(Config{Upstream: "https://verification.api.sinch.com", Transport: fake})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	srv := newServer(t, p)
	defer func() { assert.Empty(t, fake.requests()) }()
	resp, body, err := send(t, client(5*time.Second), "POST", srv+start, startBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "side-effects", resp.Header.Get(HeaderError))
	assert.Contains(t, string(body), "--allow-side-effects")
}

func TestNew_badConfig(t *testing.T) {
	t.Parallel()
	for _, up := range []string{"", "ftp://x", "http://", "http://h/?q=1"} {
		_, err := New(Config{Upstream: up})
		assert.Error(t, err, up)
	}
}
