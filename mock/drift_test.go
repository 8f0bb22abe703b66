package mock_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

func TestDriftsListed(t *testing.T) {
	t.Parallel()
	cat := contracts.DefaultCatalog()
	seen := map[string]bool{}
	for _, d := range mock.Drifts() {
		assert.False(t, seen[d.Name], "duplicate %s", d.Name)
		seen[d.Name] = true
		assert.Regexp(t, `^[a-z]+(-[a-z]+)*$`, d.Name)
		assert.NotEmpty(t, d.Description, d.Name)
		assert.NotContains(t, d.Description, "\n", "one line each")
		require.NotEmpty(t, d.Codes, d.Name)
		for _, c := range d.Codes {
			_, ok := cat.Lookup(c)
			assert.True(t, ok, "%s breaks %d, which is not documented", d.Name, c)
		}
		_, err := mock.New(mock.Config{Drift: d.Name})
		assert.NoError(t, err, d.Name)
	}
	for _, want := range []string{"wrong-code", "code-as-string", "wrong-status-string", "wrong-http-status", "html-error-page", "no-content-type", "empty-message", "accept-bad-signature", "ignore-timestamp", "no-velocity-limit", "server-error-on-long-code", "slow"} {
		assert.True(t, seen[want], "drift %s is missing", want)
	}
	_, err := mock.New(mock.Config{Drift: "nope"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Drift")
	assert.Contains(t, err.Error(), "wrong-code, code-as-string")
}

// answer is what a probe got, for comparing a mutant with the faithful mock.
type answer struct {
	status      int
	contentType []string
	err         *contracts.APIError
	body        string
}

func probe(t *testing.T, a api, req *http.Request) answer {
	t.Helper()
	resp, err := a.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	e := contracts.ParseError(resp)
	return answer{resp.StatusCode, resp.Header.Values("Content-Type"), e, string(e.Raw)}
}

// TestDriftMutants shows, for each mutant, the request whose answer it
// changes: the faithful mock's answer first, then the mutant's, which
// differs in the named way only.
func TestDriftMutants(t *testing.T) {
	t.Parallel()
	noPlus := func(a api) *http.Request {
		return a.signed(http.MethodPost, pathStart, startBody("447700900123", "sms", ""))
	}
	unknownID := func(a api) *http.Request { return a.signed(http.MethodGet, pathStart+"/id/unknown", "") }
	sameBodyBut := func(t *testing.T, faithful, drift answer, mutate func(*contracts.APIError)) {
		t.Helper()
		want := *faithful.err
		mutate(&want)
		got := *drift.err
		want.Raw, got.Raw, want.Problems, got.Problems = nil, nil, nil, nil
		assert.Equal(t, want, got)
	}
	rows := []struct {
		drift string
		req   func(t *testing.T, a api) *http.Request
		check func(t *testing.T, faithful, drift answer)
	}{
		{"wrong-code", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			assert.Equal(t, 40005, f.err.Code)
			sameBodyBut(t, f, d, func(e *contracts.APIError) { e.Code = 40002 })
			assert.Equal(t, `{"status":"400 NumberMissingLeadingPlus","errorCode":40002,"message":"Phone number missing leading plus sign"}`, d.body, "the published example of erratum 1")
		}},
		{"code-as-string", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			assert.False(t, f.err.Has(contracts.ProblemCodeAsString))
			assert.True(t, d.err.Has(contracts.ProblemCodeAsString))
			assert.Contains(t, d.body, `"errorCode":"40005"`)
			sameBodyBut(t, f, d, func(*contracts.APIError) {})
		}},
		{"wrong-status-string", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			sameBodyBut(t, f, d, func(e *contracts.APIError) { e.Status, e.Type = "400 BadRequest", "BadRequest" })
		}},
		{"wrong-http-status", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			assert.Equal(t, 400, f.status)
			assert.Equal(t, 422, d.status)
			assert.Equal(t, f.body, d.body)
		}},
		{"html-error-page", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			assert.Equal(t, 503, d.status)
			assert.Equal(t, []string{"text/html"}, d.contentType)
			assert.True(t, d.err.Has(contracts.ProblemNotJSON))
			assert.Contains(t, d.body, "<html>")
		}},
		{"no-content-type", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			assert.Equal(t, []string{"application/json"}, f.contentType)
			assert.Empty(t, d.contentType)
			assert.Equal(t, f.body, d.body)
			assert.Equal(t, f.status, d.status)
		}},
		{"empty-message", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			sameBodyBut(t, f, d, func(e *contracts.APIError) { e.Message = "" })
			assert.True(t, d.err.Has(contracts.ProblemEmptyMessage))
		}},
		{"accept-bad-signature", func(t *testing.T, a api) *http.Request {
			req := unknownID(a)
			req.Header.Set("Authorization", req.Header.Get("Authorization")[:len(req.Header.Get("Authorization"))-5]+"AAAA=")
			return req
		}, func(t *testing.T, f, d answer) {
			assert.Equal(t, 40102, f.err.Code)
			assert.Equal(t, 40400, d.err.Code, "past authentication")
		}},
		{"ignore-timestamp", func(t *testing.T, a api) *http.Request {
			req := a.request(http.MethodGet, pathStart+"/id/unknown", "")
			require.NoError(t, contracts.SignRequest(req, nil, a.cred, time.Now().Add(-48*time.Hour)))
			return req
		}, func(t *testing.T, f, d answer) {
			assert.Equal(t, 40101, f.err.Code)
			assert.Equal(t, 40400, d.err.Code, "past authentication")
		}},
		{"no-velocity-limit", func(t *testing.T, a api) *http.Request {
			a.start("+447700900301", "sms")
			return a.signed(http.MethodPost, pathStart, startBody("+447700900301", "sms", ""))
		}, func(t *testing.T, f, d answer) {
			assert.Equal(t, 42901, f.err.Code)
			assert.Equal(t, 200, d.status)
		}},
		{"server-error-on-long-code", func(t *testing.T, a api) *http.Request {
			id := a.start("+447700900302", "sms")
			return a.signed(http.MethodPut, pathStart+"/id/"+id, reportBody("sms", "12345678901"))
		}, func(t *testing.T, f, d answer) {
			assert.Equal(t, 40001, f.err.Code)
			assert.Equal(t, 500, d.status)
			assert.Equal(t, 50000, d.err.Code)
			assert.Equal(t, []string{"application/json"}, d.contentType)
		}},
		{"slow", func(t *testing.T, a api) *http.Request { return noPlus(a) }, func(t *testing.T, f, d answer) {
			assert.Equal(t, f, d, "late, but the same answer")
		}},
	}
	require.Len(t, rows, len(mock.Drifts()), "one row per drift mutant")
	for _, row := range rows {
		t.Run(row.drift, func(t *testing.T) {
			t.Parallel()
			cfg := mock.Config{Drift: row.drift, SlowDelay: 300 * time.Millisecond}
			faithful, drifted := serve(t, mock.Config{}), serve(t, cfg)
			f := probe(t, faithful, row.req(t, faithful))
			began := time.Now()
			d := probe(t, drifted, row.req(t, drifted))
			if row.drift == "slow" {
				assert.GreaterOrEqual(t, time.Since(began), cfg.SlowDelay)
			}
			row.check(t, f, d)
		})
	}
}

// TestDriftsLeaveTheRestAlone: a mutant that breaks one code's contract
// answers every other probe as the faithful mock does.
func TestDriftsLeaveTheRestAlone(t *testing.T) {
	t.Parallel()
	probes := []func(a api) *http.Request{
		func(a api) *http.Request {
			return a.signed(http.MethodPost, pathStart, startBody("+4477009x0123", "sms", ""))
		},
		func(a api) *http.Request { return a.signed(http.MethodGet, pathStart+"/id/unknown", "") },
		func(a api) *http.Request { return a.request(http.MethodGet, pathStart+"/id/unknown", "") },
		func(a api) *http.Request {
			return a.signed(http.MethodPost, pathStart, startBody("+447700900500", "sms", ""))
		},
	}
	for _, d := range mock.Drifts() {
		if len(d.Codes) != 1 {
			continue // it breaks every error's contract
		}
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			faithful, drifted := serve(t, mock.Config{}), serve(t, mock.Config{Drift: d.Name})
			for i, p := range probes {
				assert.Equal(t, probe(t, faithful, p(faithful)), probe(t, drifted, p(drifted)), "probe %d", i)
			}
		})
	}
}

// TestSlowStopsWhenTheClientGoes: the slow drift waits on the request's
// context, not only its timer.
func TestSlowStopsWhenTheClientGoes(t *testing.T) {
	t.Parallel()
	s, err := mock.New(mock.Config{Drift: "slow", SlowDelay: time.Hour})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, pathStart+"/id/x", nil)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		s.ServeHTTP(rec, req)
		close(done)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ServeHTTP still waits after the request's context was cancelled")
	}
	assert.Empty(t, rec.Body.String(), "nothing written to a client that is gone")
	assert.False(t, strings.Contains(rec.Header().Get("Content-Type"), "json"))
}

// TestIgnoreTimestampStillChecksTheSignature: the ignore-timestamp mutant
// accepts an absent or malformed x-timestamp only when the signature covers
// it as sent.
func TestIgnoreTimestampStillChecksTheSignature(t *testing.T) {
	t.Parallel()
	a := serve(t, mock.Config{Drift: "ignore-timestamp"})
	path := pathStart + "/id/unknown"
	for _, ts := range []string{"", "yesterday", "Mon, 02 Jan 2006 15:04:05 MST"} {
		signed, err := contracts.Sign(a.cred, http.MethodGet, path, "", ts, nil)
		require.NoError(t, err)
		req := a.request(http.MethodGet, path, "")
		if ts != "" {
			req.Header.Set("x-timestamp", ts)
		}
		req.Header.Set("Authorization", signed.Authorization)
		assert.Equal(t, 40400, a.apiError(req).Code, "x-timestamp %q signed as sent", ts)

		other, err := contracts.Sign(a.cred, http.MethodGet, path+"x", "", ts, nil)
		require.NoError(t, err)
		req = a.request(http.MethodGet, path, "")
		if ts != "" {
			req.Header.Set("x-timestamp", ts)
		}
		req.Header.Set("Authorization", other.Authorization)
		assert.Equal(t, 40102, a.apiError(req).Code, "x-timestamp %q, signature over another path", ts)
	}
}
