package conformance_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/mock"
)

// verificationMachine is a rapid state machine over the stateful part of
// the contract: it keeps a model of what was started, reported and
// referenced, sends each action as a Case and lets the oracle (strict)
// judge the answer against what the model says is owed: 40900 for a
// reference used again, 42901 for a number started again at once, 40400 for
// a report before any start, 2xx for status and reports of started ones.
type verificationMachine struct {
	t      *testing.T
	doer   conformance.Doer
	target conformance.Target
	next   int               // the next fresh number
	ids    map[string]string // number -> id of its verification
	nums   []string          // started numbers, in order
	refs   []string          // references used by successful starts
}

var signed = conformance.Auth{Scheme: conformance.AuthSigned}

func jsonRequest(method, path string, body any) conformance.Request {
	b, _ := json.Marshal(body)
	return conformance.Request{Method: method, Path: path, Header: http.Header{"Content-Type": {"application/json"}}, Body: b, Auth: signed}
}

func startReq(number, reference string) conformance.Request {
	body := map[string]any{"identity": map[string]string{"type": "number", "endpoint": number}, "method": "sms"}
	if reference != "" {
		body["reference"] = reference
	}
	return jsonRequest(http.MethodPost, "/verification/v1/verifications", body)
}

// send judges one action's request and returns the answer.
func (m *verificationMachine) send(t *rapid.T, c conformance.Case) *conformance.Response {
	r, err := conformance.Send(m.t.Context(), m.doer, m.target, c)
	require.NoError(t, err, c.String())
	if v := conformance.Violations(conformance.Oracle{Policy: conformance.PolicyStrict}.Judge(c, r)); len(v) > 0 {
		t.Fatalf("%s", v[0])
	}
	return r
}

func (m *verificationMachine) freshNumber() string {
	m.next++
	return fmt.Sprintf("+44121496%04d", m.next) // 0121 496 0000-0999, then beyond: E.164-valid, never magic
}

func (m *verificationMachine) Start(t *rapid.T) {
	n := m.freshNumber()
	ref := ""
	if rapid.Bool().Draw(t, "with reference") {
		ref = "vcheck-sm-" + hex.EncodeToString(rapid.SliceOfN(rapid.Byte(), 6, 6).Draw(t, "reference bytes"))
	}
	r := m.send(t, conformance.Case{Family: "control/start", Defect: "none: start " + n, Request: startReq(n, ref), Expect: conformance.Expectation{Success: true}})
	var answer struct{ ID string }
	require.NoError(t, json.Unmarshal(r.Body, &answer))
	require.NotEmpty(t, answer.ID)
	m.ids[n] = answer.ID
	m.nums = append(m.nums, n)
	if ref != "" {
		m.refs = append(m.refs, ref)
	}
}

func (m *verificationMachine) StartAgain(t *rapid.T) {
	if len(m.nums) == 0 {
		t.Skip("nothing started")
	}
	n := rapid.SampledFrom(m.nums).Draw(t, "number")
	m.send(t, conformance.Case{Family: "42901/same-number", Defect: "a second start to " + n,
		Request: startReq(n, ""), Expect: conformance.Expectation{HTTPStatus: 429, Codes: []int{42901}}})
}

func (m *verificationMachine) ReuseReference(t *rapid.T) {
	if len(m.refs) == 0 {
		t.Skip("no reference used")
	}
	ref := rapid.SampledFrom(m.refs).Draw(t, "reference")
	m.send(t, conformance.Case{Family: "40900/reference-reused", Defect: "reference " + ref + " again",
		Request: startReq(m.freshNumber(), ref), Expect: conformance.Expectation{HTTPStatus: 409, Codes: []int{40900}}})
}

func (m *verificationMachine) ReportBeforeStart(t *rapid.T) {
	n := fmt.Sprintf("+441914980%03d", rapid.IntRange(0, 999).Draw(t, "never-started suffix"))
	m.send(t, conformance.Case{Family: "40400/report-before-start", Defect: "report for " + n + " before any start",
		Request: jsonRequest(http.MethodPut, "/verification/v1/verifications/number/"+n, map[string]any{"method": "sms", "sms": map[string]string{"code": "1234"}}),
		Expect:  conformance.Expectation{HTTPStatus: 404, Codes: []int{40400}}})
}

func (m *verificationMachine) Report(t *rapid.T) {
	if len(m.nums) == 0 {
		t.Skip("nothing started")
	}
	n := rapid.SampledFrom(m.nums).Draw(t, "number")
	code := rapid.StringMatching(`[0-9A-Za-z-]{1,10}`).Draw(t, "code")
	m.send(t, conformance.Case{Family: "control/report-by-id", Defect: "none: report " + strconv.Quote(code),
		Request: jsonRequest(http.MethodPut, "/verification/v1/verifications/id/"+m.ids[n], map[string]any{"method": "sms", "sms": map[string]string{"code": code}}),
		Expect:  conformance.Expectation{Success: true}})
}

func (m *verificationMachine) Status(t *rapid.T) {
	if len(m.nums) == 0 {
		t.Skip("nothing started")
	}
	n := rapid.SampledFrom(m.nums).Draw(t, "number")
	req := conformance.Request{Method: http.MethodGet, Path: "/verification/v1/verifications/id/" + m.ids[n], Header: http.Header{}, Auth: signed}
	m.send(t, conformance.Case{Family: "control/status-by-id", Defect: "none: status of " + n, Request: req, Expect: conformance.Expectation{Success: true}})
}

func (m *verificationMachine) StatusByReference(t *rapid.T) {
	if len(m.refs) == 0 {
		t.Skip("no reference used")
	}
	ref := rapid.SampledFrom(m.refs).Draw(t, "reference")
	req := conformance.Request{Method: http.MethodGet, Path: "/verification/v1/verifications/reference/" + ref, Header: http.Header{}, Auth: signed}
	m.send(t, conformance.Case{Family: "control/status-by-reference", Defect: "none: status of " + ref, Request: req, Expect: conformance.Expectation{Success: true}})
}

// Check has nothing to add: every action is judged as it is sent.
func (m *verificationMachine) Check(*rapid.T) {}

// TestStatefulContract runs the state machine against the mock, a fresh
// mock for each of rapid's checks.
func TestStatefulContract(t *testing.T) {
	pm := &perCaseMock{cfg: mockConfig(""), mocks: map[string]*mock.Server{}}
	srv := httptest.NewServer(pm)
	defer srv.Close()
	var run atomic.Int64
	rapid.Check(t, func(rt *rapid.T) {
		id := "sm-" + strconv.FormatInt(run.Add(1), 10)
		defer pm.done(id)
		m := &verificationMachine{
			t: t, doer: caseDoer{srv.Client(), id},
			target: conformance.Target{BaseURL: srv.URL, Credentials: mock.DefaultCredentials()},
			ids:    map[string]string{},
		}
		rt.Repeat(rapid.StateMachineActions(m))
	})
}
