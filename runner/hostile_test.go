package runner_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/runner"
)

var testCred = contracts.Credentials{Key: "hostile-test-key", Secret: contracts.NewSecret("aG9zdGlsZS10ZXN0LXNlY3JldA==")}

// hostile runs a small suite against a target written to misbehave and
// returns the summary and error; the context bounds the whole run so a
// runner that hung would fail the test instead of hanging it.
func hostile(t *testing.T, url string, jsonPath string) (*runner.Summary, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var reps []runner.Reporter
	if jsonPath != "" {
		reps = append(reps, runner.JSONFile(jsonPath))
	}
	s, err := runner.Run(ctx, runner.Options{Target: url, Credentials: testCred, Cases: 2, Seed: 5, Only: []int{40003, 40102},
		Timeout: 300 * time.Millisecond, Retries: 1, Concurrency: 4, MaxShrink: 2}, reps...)
	require.NoError(t, ctx.Err(), "the run must end within its own timeouts")
	return s, err
}

func TestHostileTargets(t *testing.T) {
	t.Parallel()
	handlers := map[string]http.HandlerFunc{
		"html-502": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		},
		"invalid-json": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"400 InvalidRequest","errorCode":40003,`))
		},
		"no-content-type": func(w http.ResponseWriter, _ *http.Request) {
			w.Header()["Content-Type"] = nil
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"status":"400 InvalidRequest","errorCode":40003,"message":"Phone number invalid"}`))
		},
		"streams-10MB": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for range 160 { // 10 MiB, stopping as soon as the client goes
				if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil {
					return
				}
			}
		},
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(h)
			defer srv.Close()
			path := filepath.Join(t.TempDir(), "run.json")
			s, err := hostile(t, srv.URL, path)
			require.NoError(t, err)
			assert.Equal(t, runner.VerdictBroken, s.Verdict)
			assert.NotEmpty(t, s.Groups)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			var doc struct {
				Cases []runner.CaseRecord `json:"cases"`
			}
			require.NoError(t, json.Unmarshal(data, &doc))
			for _, c := range doc.Cases {
				if c.Response != nil {
					assert.LessOrEqual(t, c.Response.BodyBytes, contracts.MaxErrorBodySize, "never more than the bound is held")
					assert.LessOrEqual(t, len(c.Response.Body), 5<<10)
				}
			}
		})
	}
}

func TestHostileTargets_unreachable(t *testing.T) {
	t.Parallel()
	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()

	reset := resetServer(t)
	refused := closedPort(t)

	for name, url := range map[string]string{"hangs": hang.URL, "resets": reset, "refuses": refused} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "run.json")
			s, err := hostile(t, url, path)
			require.Error(t, err)
			assert.True(t, errors.Is(err, runner.ErrUnreachable), "%v", err)
			require.NotNil(t, s)
			assert.Equal(t, runner.VerdictUnreachable, s.Verdict)
			require.NotEmpty(t, s.Transport)
			s2, err := runner.ReadSummary(path)
			require.NoError(t, err, "an unreachable run still writes a complete report")
			assert.Equal(t, runner.VerdictUnreachable, s2.Verdict)
		})
	}
}

// resetServer accepts connections and resets them at once (RST, not FIN).
func resetServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}

// closedPort returns a loopback URL on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestHostileTargets_confirmationNeedsTheSameAnswer: a group is one answer
// to one check, so a re-send that fails the same check with another answer
// does not confirm it (it stays a failure, marked unconfirmed), and its
// example is never swapped for a case that showed another answer.
func TestHostileTargets_confirmationNeedsTheSameAnswer(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		status := http.StatusInternalServerError
		if n.Add(1)%2 == 0 {
			status = http.StatusBadGateway
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"status":"400 InvalidRequest","errorCode":40003,"message":"Phone number invalid"}`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := runner.Run(ctx, runner.Options{Target: srv.URL, Credentials: testCred, Cases: 1, Seed: 5, Only: []int{40003},
		Concurrency: 1, Retries: -1, MaxShrink: 5})
	require.NoError(t, err)
	require.Equal(t, runner.VerdictBroken, s.Verdict)
	found := false
	for _, g := range s.Groups {
		if g.Check != "http-status" {
			continue
		}
		found = true
		assert.False(t, g.Example.Confirmed, "%s answered %s, the re-send another status", g.Family, g.Observed)
		assert.Contains(t, g.Unconfirmed, "failed another way")
		assert.False(t, g.Flaky, "a re-send that failed is no evidence of a flaky target")
		assert.Contains(t, g.Message, g.Observed, "the message is of the group's own answer")
	}
	assert.True(t, found, "an http-status group: %+v", s.Groups)
}
