package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func createSession(t *testing.T, admin string, req string) (SessionInfo, *http.Response, []byte) {
	t.Helper()
	resp, err := client(5*time.Second).Post(admin+"/__vcheck/sessions", "application/json", strings.NewReader(req))
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	var info SessionInfo
	if resp.StatusCode == http.StatusCreated {
		require.NoError(t, json.Unmarshal(b.Bytes(), &info))
	}
	return info, resp, b.Bytes()
}

func sessionState(t *testing.T, method, admin, id string) SessionState {
	t.Helper()
	req, err := http.NewRequest(method, admin+"/__vcheck/sessions/"+id, nil)
	require.NoError(t, err)
	resp, err := client(5 * time.Second).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var st SessionState
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	return st
}

func TestSessions_parallelSessionsAreIsolated(t *testing.T) {
	t.Parallel()
	rule, err := ParseRule(`flaky: * /verification/v1/... => sinch(50300) times=2`)
	require.NoError(t, err)
	h := newHarness(t, Config{Scenarios: map[string][]Rule{"retry.503-twice": {rule}}})
	var wg sync.WaitGroup
	results := make([][]int, 6)
	ids := make([]string, 6)
	for i := range results {
		info, resp, body := createSession(t, h.srv.URL, `{"scenario":"retry.503-twice"}`)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
		require.True(t, strings.HasPrefix(info.BaseURL, "http://127.0.0.1:"))
		ids[i] = info.ID
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 {
				resp, _, err := send(t, client(5*time.Second), "GET", info.BaseURL+"/verification/v1/verifications/id/1", "")
				if assert.NoError(t, err) {
					results[i] = append(results[i], resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	for i, got := range results {
		assert.Equal(t, []int{503, 503, 200, 200}, got, "session %d saw only its own faults", i)
		st := sessionState(t, http.MethodGet, h.srv.URL, ids[i])
		assert.Equal(t, 2, st.Rules[0].Fired)
		assert.Equal(t, 4, st.Rules[0].Matched)
		require.Len(t, st.Attempts, 4)
		assert.Equal(t, "flaky", st.Attempts[0].Rule)
		assert.Equal(t, 50300, st.Attempts[0].ErrorCode)
		assert.False(t, st.Attempts[0].Upstream)
		assert.True(t, st.Attempts[2].Upstream)
		assert.Equal(t, "retry.503-twice", st.Attempts[0].Scenario)
	}
	end := sessionState(t, http.MethodDelete, h.srv.URL, ids[0])
	assert.Len(t, end.Attempts, 4)
	resp, err := client(time.Second).Get(h.srv.URL + "/__vcheck/sessions/" + ids[0])
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "unknown-session", resp.Header.Get(HeaderError))
}

func TestSessions_headerOnTheDefaultPortIsStripped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `GET /x => status(500)`)
	info, resp, body := createSession(t, h.srv.URL, `{"rules":["GET /x => sinch(40400)"]}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	r, _, err := send(t, client(5*time.Second), "GET", h.srv.URL+"/x", "", HeaderSession, info.ID)
	require.NoError(t, err)
	assert.Equal(t, 404, r.StatusCode, "the session's rules, not the global ones")
	r, _, err = send(t, client(5*time.Second), "GET", h.srv.URL+"/y", "", HeaderSession, info.ID)
	require.NoError(t, err)
	assert.Equal(t, 200, r.StatusCode)
	h.up.mu.Lock()
	defer h.up.mu.Unlock()
	require.Len(t, h.up.headers, 1)
	assert.Empty(t, h.up.headers[0].Get(HeaderSession), "stripped before forwarding")
	assert.NotEmpty(t, h.up.headers[0].Get("Authorization"))
}

func TestSessions_capExpiryAndBadRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{MaxSessions: 2, SessionTTL: 300 * time.Millisecond})
	for range 2 {
		_, resp, body := createSession(t, h.srv.URL, `{"rules":["* * => pass"]}`)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	}
	_, resp, body := createSession(t, h.srv.URL, `{"rules":["* * => pass"]}`)
	assert.Equal(t, "too-many-sessions", resp.Header.Get(HeaderError))
	assertNotSinch(t, body)
	require.Eventually(t, func() bool {
		_, resp, _ := createSession(t, h.srv.URL, `{"rules":["* * => pass"]}`)
		return resp.StatusCode == http.StatusCreated
	}, 5*time.Second, 50*time.Millisecond, "expired sessions free their place")

	for _, tc := range []struct{ req, kind, text string }{
		{`{"scenario":"no.such"}`, "unknown-scenario", `unknown scenario "no.such"`},
		{`{"rules":["GET /x => explode"]}`, "bad-rule", `rules[0]: rule "GET /x => explode": column 11`},
		{`{"rulez":[]}`, "bad-admin-request", "want"},
		{`{}`, "bad-admin-request", "want a scenario or rules"},
	} {
		_, resp, body := createSession(t, h.srv.URL, tc.req)
		assert.Equal(t, tc.kind, resp.Header.Get(HeaderError), tc.req)
		assert.Contains(t, string(body), tc.text)
		assertNotSinch(t, body)
	}
	resp2, err := client(time.Second).Get(h.srv.URL + "/__vcheck/nothing")
	require.NoError(t, err)
	resp2.Body.Close()
	assert.Equal(t, "not-found", resp2.Header.Get(HeaderError))
}

func TestSessions_observation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	info, _, _ := createSession(t, h.srv.URL, `{"rules":["* * => pass"]}`)
	resp, err := client(time.Second).Post(h.srv.URL+"/__vcheck/sessions/"+info.ID+"/observation", "application/json", strings.NewReader(`{"result":"api_error"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	st := sessionState(t, http.MethodGet, h.srv.URL, info.ID)
	assert.JSONEq(t, `{"result":"api_error"}`, string(st.Observation))
}

func TestRecord_neverHoldsTheSecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `GET /x => sinch(50300) times=1`)
	c := client(5 * time.Second)
	sec := testCred.Secret.Reveal()
	basic := base64.StdEncoding.EncodeToString([]byte(testCred.Key + ":" + sec))
	_, _, err := send(t, c, "GET", h.srv.URL+"/x", "")
	require.NoError(t, err)
	_, _, err = send(t, c, "GET", h.srv.URL+"/x?leak="+sec, "")
	require.NoError(t, err)
	_, _, err = send(t, c, "GET", h.srv.URL+"/leak/"+basic, "", "Authorization", "Basic "+basic)
	require.NoError(t, err)
	at := waitAttempts(t, h, 3)
	rec := h.record()
	require.Equal(t, 3, strings.Count(rec, "\n"), rec)
	state, err := json.Marshal(at)
	require.NoError(t, err)
	key, err := testCred.Secret.Key()
	require.NoError(t, err)
	for _, where := range []string{rec, string(state)} {
		for _, form := range []string{sec, strings.TrimRight(sec, "="), basic, base64.RawStdEncoding.EncodeToString([]byte(sec)), string(key)} {
			assert.NotContains(t, where, form)
		}
	}
	assert.Contains(t, at[0].Auth, "Application proxy-test-key:REDACTED")
	assert.Equal(t, "Basic REDACTED", at[2].Auth)
	assert.Contains(t, rec, `"path":"/leak/REDACTED"`)
	var line map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(rec, "\n", 2)[0]), &line))
	for _, field := range []string{"session", "attempt", "gap_ms", "rule", "status", "error_code", "upstream_executed", "client_hung_up_ms", "retry_of_same_body", "resigned", "outcome"} {
		assert.Contains(t, line, field)
	}
}

func TestRedactAuthorization(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                             "",
		"Application key:c2lnbmF0dXJl": "Application key:REDACTED",
		"Basic a2V5OnNlY3JldA==":       "Basic REDACTED",
		"Bearer token":                 "Bearer REDACTED",
		"garbage":                      "REDACTED",
		"Application nokeyhere":        "Application REDACTED",
	} {
		assert.Equal(t, want, redactAuthorization(in), in)
	}
}
