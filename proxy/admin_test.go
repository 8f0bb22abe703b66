package proxy

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// adminDo sends one admin request to p's handler as this machine's own
// client would (a loopback Host, no Origin) and returns what it answered.
func adminDo(p *Proxy, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "localhost"
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	p.ServeHTTP(w, req)
	return w
}

func newAdminProxy(t *testing.T) *Proxy {
	t.Helper()
	p, err := New(Config{Handler: http.NotFoundHandler(), Credentials: []contracts.Credentials{testCred}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// TestAdmin_wrongMethodAndUnknownPath: a path an endpoint serves, asked
// with another method, is a 405 naming the methods it takes (Allow); a
// path no endpoint serves, a trailing slash or an unclean path included,
// is a 404 listing the endpoints. Either is the proxy's own failure, and
// never a redirect.
func TestAdmin_wrongMethodAndUnknownPath(t *testing.T) {
	t.Parallel()
	p := newAdminProxy(t)
	for _, tc := range []struct {
		method, path string
		status       int
		kind, allow  string
	}{
		{"PUT", "/__vcheck/global", 405, "method-not-allowed", "GET, HEAD"},
		{"POST", "/__vcheck/global", 405, "method-not-allowed", "GET, HEAD"},
		{"GET", "/__vcheck/sessions", 405, "method-not-allowed", "POST"},
		{"DELETE", "/__vcheck/sessions", 405, "method-not-allowed", "POST"},
		{"PUT", "/__vcheck/sessions/s1-0", 405, "method-not-allowed", "DELETE, GET, HEAD"},
		{"POST", "/__vcheck/sessions/s1-0", 405, "method-not-allowed", "DELETE, GET, HEAD"},
		{"GET", "/__vcheck/sessions/s1-0/observation", 405, "method-not-allowed", "POST"},
		{"GET", "/__vcheck/nothing", 404, "not-found", ""},
		{"GET", "/__vcheck/", 404, "not-found", ""},
		{"GET", "/__vcheck/global/", 404, "not-found", ""},
		{"GET", "/__vcheck/sessions/", 404, "not-found", ""},
		{"GET", "/__vcheck//global", 404, "not-found", ""},
		{"GET", "/__vcheck/x/../global", 404, "not-found", ""},
		{"GET", "/__vcheck/sessions/s1-0/observation/x", 404, "not-found", ""},
		{"GET", "/__vcheck/sessions/s1-0", 404, "unknown-session", ""},
		{"DELETE", "/__vcheck/sessions/s1-0", 404, "unknown-session", ""},
		{"POST", "/__vcheck/sessions/s1-0/observation", 404, "unknown-session", ""},
	} {
		w := adminDo(p, tc.method, tc.path, "{}")
		name := tc.method + " " + tc.path
		assert.Equal(t, tc.status, w.Code, "%s: %s", name, w.Body)
		assert.Equal(t, tc.kind, w.Header().Get(HeaderError), name)
		assert.Equal(t, tc.allow, w.Header().Get("Allow"), name)
		assert.Empty(t, w.Header().Get("Location"), name)
		assertNotSinch(t, w.Body.Bytes())
		if tc.kind == "not-found" {
			assert.Contains(t, w.Body.String(), "POST /__vcheck/sessions/{id}/observation", "%s lists the endpoints", name)
		}
	}
	// The endpoints themselves still answer.
	assert.Equal(t, http.StatusOK, adminDo(p, "GET", "/__vcheck/global", "").Code)
	assert.Equal(t, http.StatusOK, adminDo(p, "HEAD", "/__vcheck/global", "").Code)
	w := adminDo(p, "POST", "/__vcheck/sessions", `{"rules":["* * => pass"]}`)
	require.Equal(t, http.StatusCreated, w.Code, "%s", w.Body)
	id := strings.Split(strings.Split(w.Body.String(), `"id":"`)[1], `"`)[0]
	assert.Equal(t, http.StatusNoContent, adminDo(p, "POST", "/__vcheck/sessions/"+id+"/observation", `{"result":"success"}`).Code)
	assert.Equal(t, http.StatusOK, adminDo(p, "GET", "/__vcheck/sessions/"+id, "").Code)
	assert.Equal(t, http.StatusOK, adminDo(p, "DELETE", "/__vcheck/sessions/"+id, "").Code)
	assert.Equal(t, "unknown-session", adminDo(p, "GET", "/__vcheck/sessions/"+id, "").Header().Get(HeaderError))
}

// TestAdmin_guardBeforeEveryRoute: each route of the table, with its
// method and with a wrong one, and a path no route serves, are refused
// to a page of another origin before anything is routed.
func TestAdmin_guardBeforeEveryRoute(t *testing.T) {
	t.Parallel()
	p := newAdminProxy(t)
	require.NotEmpty(t, adminRoutes)
	var reqs [][2]string
	for _, rt := range adminRoutes {
		method, path, ok := strings.Cut(rt.pattern, " ")
		require.True(t, ok, rt.pattern)
		path = strings.ReplaceAll(path, "{id}", "s1-0")
		reqs = append(reqs, [2]string{method, path}, [2]string{"PATCH", path})
	}
	reqs = append(reqs, [2]string{"GET", "/__vcheck/nothing"}, [2]string{"GET", "/__vcheck//global"})
	for _, rq := range reqs {
		w := adminDo(p, rq[0], rq[1], `{"rules":["* * => pass"]}`, "Origin", "http://attacker.example")
		assert.Equal(t, http.StatusForbidden, w.Code, "%s %s", rq[0], rq[1])
		assert.Equal(t, "admin-forbidden", w.Header().Get(HeaderError), "%s %s", rq[0], rq[1])
	}
	assert.Empty(t, p.Global().Attempts)
	_, err := p.NewSession("", nil)
	assert.NoError(t, err, "no session slot was taken")
}

// TestAdmin_failuresEchoNoSecret: what the admin API echoes of a request
// it cannot serve (a path, a method, a session id) is scrubbed.
func TestAdmin_failuresEchoNoSecret(t *testing.T) {
	t.Parallel()
	p := newAdminProxy(t)
	sec := testCred.Secret.Reveal()
	for _, rq := range [][2]string{
		{"GET", "/__vcheck/" + sec},
		{"GET", "/__vcheck/sessions/" + sec},
		{"DELETE", "/__vcheck/sessions/" + sec},
		{"POST", "/__vcheck/sessions/" + sec + "/observation"},
		{"PUT", "/__vcheck/sessions/" + sec},
		{"PUT", "/__vcheck/sessions/" + sec + "/observation"},
	} {
		w := adminDo(p, rq[0], rq[1], `{}`)
		require.NotEmpty(t, w.Header().Get(HeaderError), "%s %s", rq[0], rq[1])
		for _, form := range leakForms(t, testCred) {
			assert.NotContains(t, w.Body.String(), form, "%s %s", rq[0], rq[1])
		}
		assert.Contains(t, w.Body.String(), Redacted, "%s %s", rq[0], rq[1])
	}
}
