package proxy

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdmin_refusesOtherHostsAndOrigins sends admin requests as a web page
// would (another Origin, a rebound Host, a text/plain POST): each is
// refused with the proxy's marked error and creates no session; the
// proxy's own names and origin still work.
func TestAdmin_refusesOtherHostsAndOrigins(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	_, port, err := net.SplitHostPort(h.srv.Listener.Addr().String())
	require.NoError(t, err)
	own := "127.0.0.1:" + port
	const create = `{"rules":["GET /x => sinch(40400)"]}`
	for _, tc := range []struct {
		name, method, path, host, ctype, body string
		hdr                                   []string
		allowed                               bool
	}{
		{"own address", "POST", "/__vcheck/sessions", own, "application/json", create, nil, true},
		{"localhost on the port", "GET", "/__vcheck/global", "localhost:" + port, "", "", nil, true},
		{"[::1] on the port", "GET", "/__vcheck/global", "[::1]:" + port, "", "", nil, true},
		{"own origin", "POST", "/__vcheck/sessions", own, "application/json", create, []string{"Origin", "http://" + own, "Sec-Fetch-Site", "same-origin"}, true},
		{"typed into the address bar", "GET", "/__vcheck/global", own, "", "", []string{"Sec-Fetch-Site", "none"}, true},
		{"rebound host", "POST", "/__vcheck/sessions", "attacker.example:" + port, "text/plain", create, nil, false},
		{"rebound host on a global read", "GET", "/__vcheck/global", "attacker.example:" + port, "", "", nil, false},
		{"loopback on another port", "GET", "/__vcheck/global", "127.0.0.1:1", "", "", nil, false},
		{"no port", "GET", "/__vcheck/global", "127.0.0.1", "", "", nil, false},
		{"cross-origin text/plain post", "POST", "/__vcheck/sessions", own, "text/plain", create, []string{"Origin", "http://attacker.example"}, false},
		{"null origin", "POST", "/__vcheck/sessions", own, "text/plain", create, []string{"Origin", "null"}, false},
		{"https origin of the same host", "POST", "/__vcheck/sessions", own, "application/json", create, []string{"Origin", "https://" + own}, false},
		{"origin on another port", "GET", "/__vcheck/global", own, "", "", []string{"Origin", "http://127.0.0.1:1"}, false},
		{"cross-site fetch", "GET", "/__vcheck/global", own, "", "", []string{"Sec-Fetch-Site", "cross-site"}, false},
		{"same-site fetch", "DELETE", "/__vcheck/sessions/s1-0", own, "", "", []string{"Sec-Fetch-Site", "same-site"}, false},
		{"observation from a page", "POST", "/__vcheck/sessions/s1-0/observation", own, "text/plain", `{}`, []string{"Origin", "http://attacker.example"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, h.srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Host = tc.host
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				req.Header.Set(tc.hdr[i], tc.hdr[i+1])
			}
			resp, err := client(5 * time.Second).Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if tc.allowed {
				assert.Less(t, resp.StatusCode, 300, "%s", body)
				assert.Empty(t, resp.Header.Get(HeaderError))
				return
			}
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, "admin-forbidden", resp.Header.Get(HeaderError))
			assertNotSinch(t, body)
		})
	}
}

// TestAdmin_refusedRequestCreatesNoSession checks the effect, not only the
// status: a page's POST leaves no session behind.
func TestAdmin_refusedRequestCreatesNoSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{MaxSessions: 1})
	req, err := http.NewRequest("POST", h.srv.URL+"/__vcheck/sessions", strings.NewReader(`{"rules":["GET /x => sinch(40400)"]}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Origin", "http://attacker.example")
	resp, err := client(5 * time.Second).Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	// The one session slot is still free.
	_, err = h.p.NewSession("", nil)
	assert.NoError(t, err)
}

// TestAdmin_sdkTrafficIgnoresHost: the guard is the admin API's only; an
// SDK's request with any Host and Origin still reaches the upstream.
func TestAdmin_sdkTrafficIgnoresHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	req, err := http.NewRequest("GET", h.srv.URL+start+"/id/1", nil)
	require.NoError(t, err)
	req.Host = "verification.api.sinch.com"
	req.Header.Set("Origin", "http://attacker.example")
	resp, err := client(5 * time.Second).Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.EqualValues(t, 1, h.up.hits.Load())
}
