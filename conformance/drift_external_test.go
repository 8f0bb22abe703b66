package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// driftCasesPerFamily is how many cases of a family a mutant meets when
// it breaks the family's code.
const driftCasesPerFamily = 30

// runAgainst sends cases of every family (magic values included) to h,
// each case that starts something to a fresh mock: perFamily(f) cases of
// family f.
func runAgainst(t *testing.T, h http.Handler, policy conformance.Policy, perFamily func(conformance.Family) int) outcome {
	t.Helper()
	pm, ok := h.(*perCaseMock)
	if w, isWrapped := h.(*wrapped); isWrapped {
		pm, ok = w.pm, true
	}
	require.True(t, ok, "a perCaseMock or a wrapped one")
	client := &http.Client{Transport: wireTransport{h}}
	var cases []conformance.Case
	for _, f := range conformance.Families(conformance.Options{Magic: true, StartBase: true}) {
		cases = append(cases, conformance.Draw(f, 99, perFamily(f))...)
	}
	return runCases(t, func(i int, c conformance.Case) (conformance.Doer, func()) {
		return pm.doer(client, i, c)
	}, conformance.Target{BaseURL: "http://127.0.0.1:8080", Credentials: mock.DefaultCredentials()}, cases, policy, 2)
}

// focus draws many cases of the families that meet the codes a mutant
// breaks (or that are named) and a few of the others: enough for every
// check's mutant to meet the case that shows it (the seeds are fixed, so
// this is deterministic).
func focus(codes []int, families ...string) func(conformance.Family) int {
	return func(f conformance.Family) int {
		if slices.Contains(families, f.Name) ||
			len(codes) < 10 && slices.ContainsFunc(f.Codes, func(c int) bool { return slices.Contains(codes, c) }) {
			return driftCasesPerFamily
		}
		return 4
	}
}

// wrapped is a hand-made mutant: the faithful mock with its answers edited,
// for the checks no drift of the mock breaks.
type wrapped struct {
	pm   *perCaseMock
	edit func(status int, body []byte) (int, []byte)
}

func (w *wrapped) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	w.pm.ServeHTTP(rec, r)
	status, body := w.edit(rec.Code, rec.Body.Bytes())
	for k, v := range rec.Header() {
		rw.Header()[k] = v
	}
	rw.Header().Del("Content-Length")
	rw.WriteHeader(status)
	_, _ = rw.Write(body)
}

// blankReference adds an empty support reference to every error body.
func blankReference(status int, body []byte) (int, []byte) {
	if status < 400 {
		return status, body
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return status, body
	}
	m["reference"] = ""
	b, _ := json.Marshal(m)
	return status, b
}

// rejectEverything answers every request, well-formed or not, with 40003.
func rejectEverything(int, []byte) (int, []byte) {
	return 400, []byte(`{"status":"400 InvalidRequest","errorCode":40003,"message":"Phone number invalid"}`)
}

func checksOf(fs []conformance.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.Check) {
			out = append(out, f.Check)
		}
	}
	return out
}

// mutantRow says which checks must catch a mutant.
type mutantRow struct {
	mutant string
	// policy is strict where the mutant does what an erratum's default
	// accepts (wrong-code sends erratum 1's example, code-as-string is
	// erratum 5), default elsewhere.
	policy conformance.Policy
	checks []string
	// edit makes a hand-made mutant of the faithful mock; nil for a drift.
	edit   func(int, []byte) (int, []byte)
	reason string
}

// TestDriftMutantsAreCaught runs every drift mutant of the mock (and two
// hand-made mutants for the checks no drift breaks) and requires, for each,
// a violation naming a code the mutant breaks and a violation from every
// check the table says must catch it. The table also must name every check
// of the oracle, so a check that stops catching its mutant fails here.
func TestDriftMutantsAreCaught(t *testing.T) {
	table := []mutantRow{
		{"wrong-code", conformance.PolicyStrict, []string{conformance.CheckErrorCode, conformance.CheckStatusString}, nil, "40002 for a missing plus: erratum 1's example, accepted only by default"},
		{"code-as-string", conformance.PolicyStrict, []string{conformance.CheckBodySchema}, nil, "the Error schema's integer errorCode; a note by default (erratum 5)"},
		{"wrong-status-string", conformance.PolicyDefault, []string{conformance.CheckStatusString}, nil, "the catalog's status strings"},
		{"wrong-http-status", conformance.PolicyDefault, []string{conformance.CheckHTTPStatus}, nil, "the catalog's HTTP statuses"},
		{"html-error-page", conformance.PolicyDefault, []string{conformance.CheckBodySchema, conformance.CheckContentType, conformance.CheckNoServerError}, nil, "errors are JSON; a 503 for a client defect"},
		{"no-content-type", conformance.PolicyDefault, []string{conformance.CheckContentType}, nil, "errors are application/json"},
		{"empty-message", conformance.PolicyDefault, []string{conformance.CheckMessagePresent}, nil, "the Error schema's message has minLength 1"},
		{"accept-bad-signature", conformance.PolicyDefault, []string{conformance.CheckMalformedRejected}, nil, "40102: a bad signature is refused"},
		{"ignore-timestamp", conformance.PolicyDefault, []string{conformance.CheckMalformedRejected}, nil, "40101: a bad x-timestamp is refused"},
		{"no-velocity-limit", conformance.PolicyDefault, []string{conformance.CheckMalformedRejected}, nil, "42901: the stateful family's second start is refused"},
		{"server-error-on-long-code", conformance.PolicyDefault, []string{conformance.CheckNoServerError, conformance.CheckHTTPStatus, conformance.CheckErrorCode}, nil, "40001: a long code is the client's fault"},
		{"hand-made/blank-reference", conformance.PolicyDefault, []string{conformance.CheckReferenceFormat}, blankReference, "reference, when present, is not blank"},
		{"hand-made/reject-everything", conformance.PolicyDefault, []string{conformance.CheckWellFormedAccepted}, rejectEverything, "control cases must succeed"},
	}
	covered := map[string]bool{}
	for _, row := range table {
		require.NotEmpty(t, row.reason, row.mutant)
		for _, c := range row.checks {
			covered[c] = true
		}
	}
	for _, chk := range (conformance.Oracle{}).Checks() {
		assert.True(t, covered[chk.Name], "no mutant shows that %s can fail", chk.Name)
	}
	drifts := map[string]mock.Drift{}
	for _, d := range mock.Drifts() {
		drifts[d.Name] = d
	}
	for _, row := range table {
		if row.edit == nil {
			_, ok := drifts[row.mutant]
			require.True(t, ok, "the mock has no drift %q", row.mutant)
		}
	}
	for _, d := range mock.Drifts() {
		if d.Name == "slow" {
			continue // TestSlowDriftIsATransportTimeout
		}
		assert.True(t, slices.ContainsFunc(table, func(r mutantRow) bool { return r.mutant == d.Name }), "drift %s has no row", d.Name)
	}

	for _, row := range table {
		t.Run(row.mutant, func(t *testing.T) {
			var h http.Handler
			var broken []int
			switch {
			case row.edit != nil:
				h = &wrapped{pm: &perCaseMock{cfg: mockConfig(""), mocks: map[string]*mock.Server{}}, edit: row.edit}
			default:
				h = &perCaseMock{cfg: mockConfig(row.mutant), mocks: map[string]*mock.Server{}}
				broken = drifts[row.mutant].Codes
			}
			out := runAgainst(t, h, row.policy, focus(broken, "control"))
			require.NotEmpty(t, out.violations, "%s is not caught", row.mutant)
			if len(broken) > 0 {
				assert.True(t, slices.ContainsFunc(out.violations, func(f conformance.Finding) bool {
					return slices.ContainsFunc(f.Codes, func(c int) bool { return slices.Contains(broken, c) })
				}), "no violation names a code %s breaks (%v)", row.mutant, broken)
			}
			got := checksOf(out.violations)
			for _, want := range row.checks {
				assert.Contains(t, got, want, "%s must catch %s (%s)", want, row.mutant, row.reason)
			}
			t.Logf("%s: %d violations from %v", row.mutant, len(out.violations), got)
		})
	}
}

// TestErratumMutantsAreNotesByDefault: the two drifts that do what an
// erratum's example does are accepted by the default policy and recorded as
// notes that say which way the target went, which is what a nightly run
// against the sandbox reports.
func TestErratumMutantsAreNotesByDefault(t *testing.T) {
	for drift, erratum := range map[string]int{"wrong-code": 1, "code-as-string": 5} {
		t.Run(drift, func(t *testing.T) {
			out := runAgainst(t, &perCaseMock{cfg: mockConfig(drift), mocks: map[string]*mock.Server{}}, conformance.PolicyDefault, focus([]int{40005}))
			assert.Empty(t, out.violations, "\n%s", summarize(out.violations, 10))
			require.NotEmpty(t, out.notes)
			assert.True(t, slices.ContainsFunc(out.notes, func(f conformance.Finding) bool { return f.Erratum == erratum }), "a note cites erratum %d", erratum)
		})
	}
}

// TestSlowDriftIsATransportTimeout: the slow drift answers correctly but
// late. That is the runner's business (a timeout, exit code 3), not the
// oracle's: Send returns the transport error and nothing is judged.
func TestSlowDriftIsATransportTimeout(t *testing.T) {
	cfg := mockConfig("slow")
	cfg.SlowDelay = 300 * time.Millisecond
	m, err := mock.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	defer srv.Close()
	fam, ok := conformance.FamilyNamed(conformance.Families(conformance.Options{}), "40005")
	require.True(t, ok)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = conformance.Send(ctx, srv.Client(), conformance.Target{BaseURL: srv.URL, Credentials: mock.DefaultCredentials()}, conformance.DrawOne(fam, 1))
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
}

// TestEditedAnswersStillParse guards the hand-made mutants: the wrapper
// keeps the faithful mock's bodies apart from its edit.
func TestEditedAnswersStillParse(t *testing.T) {
	status, body := blankReference(400, []byte(`{"errorCode":40005,"message":"m"}`))
	assert.Equal(t, 400, status)
	e := contracts.ParseErrorBody(body)
	assert.True(t, e.Has(contracts.ProblemBadReference))
	assert.True(t, bytes.Contains(body, []byte(`"reference":""`)))
}
