package proxy

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessions_closeRacesNewSession creates sessions from many goroutines
// while Close runs (go test -race sees a session published half-made):
// afterwards every port a NewSession handed out refuses connections, and
// NewSession refuses with ErrClosed. The race is run a few times over, as
// a race detector only sees the interleavings that happen.
func TestSessions_closeRacesNewSession(t *testing.T) {
	t.Parallel()
	for range 5 {
		closeRacesNewSession(t)
	}
}

func closeRacesNewSession(t *testing.T) {
	h := newHarness(t, Config{MaxSessions: 1000})
	const workers, most = 8, 40
	var (
		mu   sync.Mutex
		urls []string
		wg   sync.WaitGroup
	)
	made := make(chan struct{}, workers*most)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range most {
				info, err := h.p.NewSession("", nil)
				if err != nil {
					assert.ErrorIs(t, err, ErrClosed)
					return
				}
				// A lookup of a published session reads all of it.
				if st, ok := h.p.Session(info.ID); ok {
					assert.Equal(t, info.BaseURL, st.BaseURL)
				}
				mu.Lock()
				urls = append(urls, info.BaseURL)
				mu.Unlock()
				made <- struct{}{}
			}
		}()
	}
	// Close once every worker is under way, so that it meets sessions
	// being made, not only made ones.
	for range workers {
		<-made
	}
	require.NoError(t, h.p.Close())
	wg.Wait()

	_, err := h.p.NewSession("", nil)
	require.ErrorIs(t, err, ErrClosed)
	for _, u := range urls {
		c, err := net.DialTimeout("tcp", u[len("http://"):], 2*time.Second)
		if err == nil {
			_ = c.Close()
		}
		assert.Error(t, err, "%s still accepts connections after Close", u)
	}
}

func TestSessions_expiryEndsTheSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{SessionTTL: time.Millisecond})
	info, err := h.p.NewSession("", nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool { _, ok := h.p.Session(info.ID); return !ok }, 5*time.Second, 5*time.Millisecond)
}

// TestNew_ruleLiteralsAreValidated builds rules in Go, skipping ParseRule:
// each used to panic (or misfire) when a request came; now New and
// NewSession refuse them with an error that names the rule.
func TestNew_ruleLiteralsAreValidated(t *testing.T) {
	t.Parallel()
	ok := Action{Kind: ActSinch, Code: 50300}
	for _, tc := range []struct {
		name string
		rule Rule
		want string
	}{
		{"bad regular expression", Rule{ID: "re", Method: "*", Path: "*", Conditions: []Condition{{On: "body", Name: "/a", Op: "~", Value: "("}}, Actions: []Action{ok}}, "re"},
		{"empty body pointer", Rule{ID: "ptr", Method: "*", Path: "*", Conditions: []Condition{{On: "body", Name: "", Op: "=", Value: "x"}}, Actions: []Action{ok}}, "ptr"},
		{"partial fraction over 1", Rule{ID: "frac", Method: "*", Path: "*", Actions: []Action{{Kind: ActSinch, Code: 50300}, {Kind: ActPartial, Fraction: 2, Then: ActClose}}}, "frac"},
		{"zero rule", Rule{}, "=>"},
		{"no actions", Rule{ID: "none", Method: "GET", Path: "/x"}, "none"},
		{"undocumented code", Rule{ID: "code", Method: "*", Path: "*", Actions: []Action{{Kind: ActSinch, Code: 12345}}}, "code"},
		{"unknown action kind", Rule{ID: "kind", Method: "*", Path: "*", Actions: []Action{{Kind: "explode"}}}, "kind"},
		{"lower-case method", Rule{ID: "meth", Method: "get", Path: "/x", Actions: []Action{ok}}, "meth"},
		{"path without slash", Rule{ID: "path", Method: "GET", Path: "x", Actions: []Action{ok}}, "path"},
		{"negative times", Rule{ID: "times", Method: "*", Path: "*", Actions: []Action{ok}, Times: -1}, "times"},
		{"field of another kind", Rule{ID: "field", Method: "*", Path: "*", Actions: []Action{{Kind: ActHang, Code: 50300}}}, "field"},
		{"status out of range", Rule{ID: "st", Method: "*", Path: "*", Actions: []Action{{Kind: ActStatus, Status: 99}}}, "st"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(Config{Upstream: "http://127.0.0.1:1", Rules: []Rule{tc.rule}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, err = New(Config{Upstream: "http://127.0.0.1:1", Scenarios: map[string][]Rule{"sc": {tc.rule}}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), `"sc"`)

			p, err := New(Config{Upstream: "http://127.0.0.1:1"})
			require.NoError(t, err)
			defer p.Close()
			_, err = p.NewSession("", []Rule{tc.rule})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var pe *RuleError
			if !errors.As(err, &pe) {
				assert.Contains(t, err.Error(), "rule ")
			}
		})
	}
}

func TestRule_validateAcceptsWhatParseReads(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		`flaky: * /verification/v1/... => sinch(50300) times=2`,
		`GET /verification/v1/verifications/id/* => status(502), body(html)`,
		`lost: POST /verification/v1/verifications body:/reference~.+ => lose(reset) times=1`,
		`p: GET /x header:X-A=1 => delay(1.5s), partial(0.5,hang) after=1 every=2 p=0.25`,
	} {
		r, err := ParseRule(text)
		require.NoError(t, err)
		assert.NoError(t, r.Validate(), text)
	}
}

// TestSessions_serversHaveEveryTimeout checks the session's server and the
// default port's (cmd/vcheck uses NewHTTPServer): a client that never
// reads is cut off.
func TestSessions_serversHaveEveryTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{})
	info, err := h.p.NewSession("", nil)
	require.NoError(t, err)
	s, ok := h.p.lookup(info.ID)
	require.True(t, ok)
	for name, srv := range map[string]*http.Server{"session": s.srv, "default port": h.p.NewHTTPServer(h.p)} {
		assert.Positive(t, srv.ReadHeaderTimeout, name)
		assert.Positive(t, srv.ReadTimeout, name)
		assert.Greater(t, srv.WriteTimeout, h.p.cfg.MaxHang+UpstreamTimeout, name)
		assert.Positive(t, srv.IdleTimeout, name)
		assert.Positive(t, srv.MaxHeaderBytes, name)
	}
}
