package conformance

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/fixtures"
)

// brokenReportTarget answers starts and reports the documented way, except
// for its bug: a report code that contains '_' or is longer than 12
// characters gets a 500.
func brokenReportTarget(t *testing.T) *httptest.Server {
	t.Helper()
	var ids atomic.Int64
	answer := func(w http.ResponseWriter, status int, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	errorBody := func(code int) []byte {
		b, _ := fixtures.Golden(code)
		return b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == pathStart:
			answer(w, 200, fmt.Appendf(nil, `{"id":"v%d","method":"sms"}`, ids.Add(1)))
		case r.Method == http.MethodPut:
			var body map[string]json.RawMessage
			_ = json.NewDecoder(r.Body).Decode(&body)
			var method string
			_ = json.Unmarshal(body["method"], &method)
			var sub struct{ Code *string }
			_ = json.Unmarshal(body[method], &sub)
			switch {
			case sub.Code == nil:
				answer(w, 400, errorBody(40002))
			case strings.Contains(*sub.Code, "_") || utf8.RuneCountInString(*sub.Code) > 12:
				answer(w, 500, errorBody(50000)) // the bug
			case len(bodyViolations(Request{Method: r.Method, Path: pathByID + "x", Body: mustJSON(body)})) > 0:
				answer(w, 400, errorBody(40001))
			default:
				answer(w, 200, []byte(`{"id":"v","status":"FAIL"}`))
			}
		default:
			answer(w, 404, errorBody(40400))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func reportCode(t *testing.T, c Case) string {
	t.Helper()
	var body map[string]map[string]string
	var method struct{ Method string }
	require.NoError(t, json.Unmarshal(c.Request.Body, &method))
	_ = json.Unmarshal(c.Request.Body, &body)
	return body[method.Method]["code"]
}

// TestShrinkFindsMinimalCounterexample: against a target that answers 500
// to codes with '_' or longer than 12 characters, the first failing 40001
// case shrinks to the code "_" or to 13 characters, the smallest that fail.
func TestShrinkFindsMinimalCounterexample(t *testing.T) {
	srv := brokenReportTarget(t)
	target := Target{BaseURL: srv.URL, Credentials: testCred}
	send := func(ctx context.Context, c Case) ([]Finding, error) {
		r, err := Send(ctx, srv.Client(), target, c)
		if err != nil {
			return nil, err
		}
		return Judge(c, r, PolicyDefault), nil
	}
	fam, ok := FamilyNamed(Families(Options{}), "40001")
	require.True(t, ok)
	seedBefore := flag.Lookup("rapid.seed").Value.String()

	var failing Case
	for i := range 200 {
		c := DrawOne(fam, CaseSeed(5, fam.Name, i))
		fs, err := send(t.Context(), c)
		require.NoError(t, err)
		if len(Violations(fs)) > 0 && utf8.RuneCountInString(reportCode(t, c)) > 13 {
			failing = c
			break
		}
	}
	require.NotZero(t, failing.Seed, "no failing case in 200 draws")
	t.Logf("original: %s", failing)

	got, err := Shrink(t.Context(), fam, failing.Seed, send)
	require.NoError(t, err)
	require.True(t, got.Reproduced)
	assert.Contains(t, got.Checks, CheckNoServerError)
	code := reportCode(t, got.Case)
	t.Logf("shrunk after %d sends: %s", got.Sent, got.Case)
	assert.True(t, code == "_" || code == strings.Repeat("0", 13), "minimal code, got %q", code)
	assert.True(t, got.Case.Shrunk)
	assert.Equal(t, failing.Seed, got.Case.Seed)
	require.NotEmpty(t, Violations(got.Findings))
	assert.True(t, Violations(got.Findings)[0].Shrunk)
	assert.Equal(t, seedBefore, flag.Lookup("rapid.seed").Value.String(), "rapid's seed flag is restored")
	_, statErr := os.Stat("testdata/rapid")
	assert.True(t, os.IsNotExist(statErr), "Shrink writes no rapid fail file")
}

// TestShrinkStartsFromTheSeed: the first case Shrink sends is DrawOne's, and
// a case that passes is returned as is, not reproduced.
func TestShrinkStartsFromTheSeed(t *testing.T) {
	fam, ok := FamilyNamed(Families(Options{}), "40005")
	require.True(t, ok)
	seed := CaseSeed(11, fam.Name, 3)
	var first *Case
	got, err := Shrink(t.Context(), fam, seed, func(_ context.Context, c Case) ([]Finding, error) {
		if first == nil {
			first = &c
		}
		return nil, nil
	})
	require.NoError(t, err)
	require.NotNil(t, first)
	want := DrawOne(fam, seed)
	assert.Equal(t, want.Request, first.Request)
	assert.Equal(t, want.Defect, first.Defect)
	assert.False(t, got.Reproduced)
	assert.Equal(t, want.Request, got.Case.Request)
	assert.LessOrEqual(t, got.Sent, 5)

	_, err = Shrink(t.Context(), fam, 0, nil)
	assert.ErrorContains(t, err, "seed 0")
}

func TestShrinkCanceled(t *testing.T) {
	fam, _ := FamilyNamed(Families(Options{}), "40005")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Shrink(ctx, fam, 99, func(context.Context, Case) ([]Finding, error) { return nil, nil })
	assert.ErrorIs(t, err, ErrShrinkCanceled)
}
