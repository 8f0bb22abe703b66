package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/runner"
)

// inMemory is a RoundTripper that serves every request with h in the
// same process, so a test can play a remote target (a host name that is
// not loopback) while no request can leave the process. It records what
// it was asked.
type inMemory struct {
	h    http.Handler
	mu   sync.Mutex
	seen []string // "METHOD host path"
}

func (m *inMemory) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	m.seen = append(m.seen, r.Method+" "+r.URL.Host+" "+r.URL.Path)
	m.mu.Unlock()
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func (m *inMemory) count(method string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, s := range m.seen {
		if len(s) > len(method) && s[:len(method)+1] == method+" " {
			n++
		}
	}
	return n
}

// TestRun_remoteStartsAreConfirmedOnceNeverShrunk: against a remote target,
// a failing start is re-sent once to confirm it and never shrunk (each
// shrink step would be another start); on loopback the same groups are
// shrunk. Every POST the transport saw is a planned case or one
// confirmation.
func TestRun_remoteStartsAreConfirmedOnceNeverShrunk(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Config{Credentials: nil, Drift: "wrong-http-status"})
	require.NoError(t, err)
	tr := &inMemory{h: m}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := runner.Run(ctx, runner.Options{Target: "https://verification.example.test", Transport: tr,
		Credentials: mock.DefaultCredentials(), Seed: 9, Cases: 3, Only: []int{40003, 40005}, Rate: 1000})
	require.NoError(t, err)
	require.Equal(t, runner.VerdictBroken, s.Verdict, s.Reason)
	for _, host := range tr.seen {
		assert.Contains(t, host, " verification.example.test ", "every request went to the in-memory target")
	}

	groups := 0
	for _, g := range s.Groups {
		if g.Example.Request.Method == http.MethodPost {
			groups++
			assert.False(t, g.Shrunk, "%s %s was shrunk against a remote target", g.Family, g.Check)
			assert.True(t, g.Example.Confirmed, "%s %s: the one re-send confirms it: %s", g.Family, g.Check, g.Unconfirmed)
		}
	}
	require.NotZero(t, groups)
	// Every case of 40003 and 40005 is a start.
	assert.LessOrEqual(t, tr.count(http.MethodPost), s.Sent+groups, "POSTs: the cases, and one confirmation per group")

	// The same run on loopback shrinks (the control that the check can fail).
	srv := httptest.NewServer(m)
	defer srv.Close()
	s2, err := runner.Run(ctx, runner.Options{Target: srv.URL, Credentials: mock.DefaultCredentials(), Seed: 9, Cases: 3, Only: []int{40003, 40005}})
	require.NoError(t, err)
	shrunk := false
	for _, g := range s2.Groups {
		shrunk = shrunk || g.Shrunk
	}
	assert.True(t, shrunk, "on loopback the same groups are shrunk")
}
