package conformance_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// casesPerCheck scales the mock run with rapid's check count: the default
// -rapid.checks=100 sends 10,000 cases; make's longer runs raise it.
const casesPerCheck = 100

func rapidChecks() int {
	if f := flag.Lookup("rapid.checks"); f != nil {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n > 0 {
			return n
		}
	}
	return 100
}

// caseHeader routes a request to the mock instance of its case, so that each
// case meets a mock with fresh state: the velocity limit of one case's start
// never turns another case's start into a 42901.
const caseHeader = "X-Vcheck-Test-Case"

// perCaseMock is an HTTP server that gives every case its own mock.
type perCaseMock struct {
	cfg   mock.Config
	mu    sync.Mutex
	mocks map[string]*mock.Server
}

func (p *perCaseMock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(caseHeader)
	r.Header.Del(caseHeader)
	p.mu.Lock()
	m := p.mocks[id]
	if m == nil {
		var err error
		if m, err = mock.New(p.cfg); err != nil {
			p.mu.Unlock()
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		p.mocks[id] = m
	}
	p.mu.Unlock()
	m.ServeHTTP(w, r)
}

func (p *perCaseMock) done(id string) {
	if id == sharedMock {
		return
	}
	p.mu.Lock()
	delete(p.mocks, id)
	p.mu.Unlock()
}

// sharedMock is the id of the mock that serves every case that leaves no
// state behind on a conforming target (making a mock costs about as much
// as a case).
const sharedMock = "shared"

// doer returns the Doer for the i-th case and what to call when it is done:
// a fresh mock for a case that starts verifications (a setup step or a
// control start), the shared one otherwise.
func (p *perCaseMock) doer(client *http.Client, i int, c conformance.Case) (conformance.Doer, func()) {
	id := sharedMock
	if len(c.Setup) > 0 || c.Expect.Success {
		id = strconv.Itoa(i)
	}
	return caseDoer{client, id}, func() { p.done(id) }
}

// wireTransport serves requests with a handler in this process, without
// sockets: it writes the request as it would go on the wire and reads it
// back as a server does (so headers, empty values and the body arrive as
// over TCP), then returns the recorded answer. It keeps the 10,000-case run
// fast under -race; TestMockSharedState and the state machine use TCP.
type wireTransport struct{ h http.Handler }

func (w wireTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return nil, err
	}
	if req.Body != nil {
		_ = req.Body.Close()
	}
	sreq, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		return nil, err
	}
	sreq = sreq.WithContext(req.Context())
	sreq.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, sreq)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// caseDoer tags every request of one case with the case's id.
type caseDoer struct {
	client *http.Client
	id     string
}

func (d caseDoer) Do(req *http.Request) (*http.Response, error) {
	req.Header.Set(caseHeader, d.id)
	return d.client.Do(req)
}

func mockConfig(drift string) mock.Config {
	return mock.Config{
		Catalog:     contracts.DefaultCatalog(),
		Credentials: []contracts.Credentials{mock.DefaultCredentials()},
		Drift:       drift,
	}
}

// outcome is what running a set of cases gave.
type outcome struct {
	violations   []conformance.Finding
	notes        []conformance.Finding
	inconclusive int
	setupErrors  []error
	sent         int
	// codes counts the answers by "HTTP errorCode", to show what was met.
	codes map[string]int
}

// runCases sends cases with workers goroutines (drawn beforehand in one
// goroutine) and judges every answer.
func runCases(t *testing.T, doer func(i int, c conformance.Case) (conformance.Doer, func()), target conformance.Target, cases []conformance.Case, policy conformance.Policy, workers int) outcome {
	t.Helper()
	var (
		mu  sync.Mutex
		out = outcome{codes: map[string]int{}}
		wg  sync.WaitGroup
	)
	next := atomic.Int64{}
	oracle := conformance.Oracle{Policy: policy}
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(cases) {
					return
				}
				c := cases[i]
				d, done := doer(i, c)
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				r, err := conformance.Send(ctx, d, target, c)
				cancel()
				done()
				mu.Lock()
				out.sent++
				if err != nil {
					out.setupErrors = append(out.setupErrors, fmt.Errorf("%s: %w", c, err))
					mu.Unlock()
					continue
				}
				out.codes[fmt.Sprintf("%d %d", r.HTTPStatus, r.Error.Code)]++
				for _, f := range oracle.Judge(c, r) {
					switch f.Severity {
					case conformance.SeverityViolation:
						out.violations = append(out.violations, f)
					case conformance.SeverityNote:
						out.notes = append(out.notes, f)
					default:
						out.inconclusive++
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return out
}

// drawAll draws n cases spread evenly over the families, in this goroutine.
func drawAll(fams []conformance.Family, runSeed uint64, n int) []conformance.Case {
	per := (n + len(fams) - 1) / len(fams)
	var cases []conformance.Case
	for _, f := range fams {
		cases = append(cases, conformance.Draw(f, runSeed, per)...)
	}
	return cases[:min(n, len(cases))]
}

func summarize(fs []conformance.Finding, limit int) string {
	counts := map[string]int{}
	example := map[string]string{}
	for _, f := range fs {
		k := f.Check + " " + f.Family
		counts[k]++
		if _, ok := example[k]; !ok {
			example[k] = f.String()
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i == limit {
			fmt.Fprintf(&b, "... and %d more groups\n", len(keys)-limit)
			break
		}
		fmt.Fprintf(&b, "%5d x %s\n", counts[k], example[k])
	}
	return b.String()
}

// TestMockPassesTheOracle sends 10,000 generated cases (100 x -rapid.checks)
// across all families, magic values included, to the in-process mock, each
// case to a mock with fresh state, and expects no violation at all, judged
// strictly: the mock follows the headings, so there is no note either.
func TestMockPassesTheOracle(t *testing.T) {
	n := casesPerCheck * rapidChecks()
	if testing.Short() {
		n /= 5
	}
	pm := &perCaseMock{cfg: mockConfig(""), mocks: map[string]*mock.Server{}}
	client := &http.Client{Transport: wireTransport{pm}}

	cases := drawAll(conformance.Families(conformance.Options{Magic: true, StartBase: true}), 20260301, n)
	require.Len(t, cases, n)
	target := conformance.Target{BaseURL: "http://127.0.0.1:8080", Credentials: mock.DefaultCredentials()}
	start := time.Now()
	out := runCases(t, func(i int, c conformance.Case) (conformance.Doer, func()) {
		return pm.doer(client, i, c)
	}, target, cases, conformance.PolicyStrict, 2)
	t.Logf("%d cases in %s: %d violations, %d notes, %d inconclusive, %d setup errors",
		out.sent, time.Since(start).Round(time.Millisecond), len(out.violations), len(out.notes), out.inconclusive, len(out.setupErrors))
	t.Logf("answers (HTTP errorCode): %v", out.codes)
	assert.Equal(t, n, out.sent)
	assert.Empty(t, out.setupErrors)
	assert.Zero(t, out.inconclusive)
	assert.Empty(t, out.violations, "\n%s", summarize(out.violations, 30))
	assert.Empty(t, out.notes, "the mock follows the headings, so strict and default agree:\n%s", summarize(out.notes, 30))
}

// TestMockSharedState runs cases the way a runner does against one mock:
// shared state, so a start may meet the velocity limit of another case's
// start to the same number (inconclusive, never a violation).
func TestMockSharedState(t *testing.T) {
	run, err := mock.Start(t.Context(), mockConfig(""))
	require.NoError(t, err)
	defer run.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	cases := drawAll(conformance.Families(conformance.Options{Magic: true, StartBase: true}), 7, 1000)
	out := runCases(t, func(int, conformance.Case) (conformance.Doer, func()) { return client, func() {} },
		conformance.Target{BaseURL: run.URL, Credentials: mock.DefaultCredentials()}, cases, conformance.PolicyDefault, 4)
	t.Logf("%d cases: %d violations, %d inconclusive, %d setup errors", out.sent, len(out.violations), out.inconclusive, len(out.setupErrors))
	assert.Empty(t, out.violations, "\n%s", summarize(out.violations, 30))
	assert.Less(t, out.inconclusive+len(out.setupErrors), len(cases)/10, "few cases meet another's velocity limit")
}
