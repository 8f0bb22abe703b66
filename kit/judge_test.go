package kit

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vcheck/vcheck/proxy"
)

func f64(v float64) *float64 { return &v }

// TestJudge shows every check of the judge passing and failing, and each
// way a scenario ends without a verdict on the SDK (N/A, ?, !). check is
// the name of the check that fails, "" when none does.
func TestJudge(t *testing.T) {
	t.Parallel()
	caps := Capabilities{SDK: "x", Supports: map[Capability]bool{CapabilityRetry: false, CapabilityTimeout: true}}
	one := []proxy.Attempt{{Method: "GET", Path: "/verification/v1/verifications/id/1", Host: "127.0.0.1", Status: 503}}
	apiErr := &Observation{ID: "s", Result: OutcomeAPIError, Status: 503, Error: map[string]any{"errorCode": float64(50300), "message": "down"}}
	base := Expect{Result: []Outcome{OutcomeAPIError}, Status: 503, ErrorCode: 50300, Fields: []string{"errorCode", "message"}, Attempts: &Range{Min: f64(1), Max: f64(1)}}
	success := &Observation{ID: "s", Result: OutcomeSuccess}
	yes, no := true, false
	for _, tc := range []struct {
		name     string
		exp      Expect
		obs      *Observation
		attempts []proxy.Attempt
		cell     Cell
		check    CheckName // the check that fails
		reason   string
	}{
		{"pass", base, apiErr, one, CellPass, "", ""},
		{"wrong result", base, success, one, CellFail, CheckResult, "result: want api_error, got success"},
		{"wrong status", base, &Observation{ID: "s", Result: OutcomeAPIError, Status: 500, Error: apiErr.Error}, one, CellFail, CheckStatus, "status: want 503, got 500"},
		{"wrong code", base, &Observation{ID: "s", Result: OutcomeAPIError, Status: 503, Error: map[string]any{"errorCode": float64(50000), "message": "m"}}, one, CellFail, CheckErrorCode, "errorCode: want 50300, got 50000"},
		{"code as string accepted", base, &Observation{ID: "s", Result: OutcomeAPIError, Status: 503, Error: map[string]any{"errorCode": "50300", "message": "m"}}, one, CellPass, "", ""},
		{"missing field", base, &Observation{ID: "s", Result: OutcomeAPIError, Status: 503, Error: map[string]any{"errorCode": float64(50300)}}, one, CellFail, "surfaces message", "surfaces message"},
		{"raw fields are partial", base, &Observation{ID: "s", Result: OutcomeAPIError, Status: 503, Error: apiErr.Error, Raw: []string{"errorCode"}}, one, CellPartial, "", "raw body"},
		{"too many attempts", base, apiErr, append(one, one[0]), CellFail, CheckAttempts, "attempts: want [1..1], got 2"},
		{"needs unsupported", Expect{Result: []Outcome{OutcomeSuccess}, Needs: CapabilityRetry}, nil, nil, CellNA, "", "no retry support"},
		{"needs supported is run", Expect{Result: []Outcome{OutcomeSuccess}, Needs: CapabilityTimeout}, success, one, CellPass, "", ""},
		{"needs undeclared is run", Expect{Result: []Outcome{OutcomeSuccess}, Needs: "idempotency"}, success, one, CellPass, "", ""},
		{"adapter cannot run it", base, &Observation{ID: "s", Result: OutcomeUnsupported, Detail: "no report operation"}, one, CellNA, "", "no report operation"},
		{"not run", base, nil, nil, CellNotRun, "", ""},
		{"proxy failure is invalid", base, apiErr, []proxy.Attempt{{ProxyError: "upstream-unreachable"}}, CellInvalid, "", "proxy failure"},
		{"an unreadable request body is the SDK's", Expect{Result: []Outcome{OutcomeSuccess}}, success, []proxy.Attempt{{ProxyError: "request body unreadable"}}, CellPass, "", ""},
		{"nothing sent is invalid", base, apiErr, nil, CellInvalid, "", "sent nothing"},
		{"unknown result is invalid", base, &Observation{ID: "s", Result: "exploded"}, one, CellInvalid, "", "exploded"},
		{"stuck fails", Expect{Result: []Outcome{OutcomeTransportError}}, &Observation{ID: "s", Result: OutcomeStuck}, one, CellFail, CheckResult, "got stuck"},
		{"one executed start", Expect{Result: []Outcome{OutcomeTransportError, OutcomeSuccess}, ExecutedStarts: &Range{Max: f64(1)}}, success,
			[]proxy.Attempt{{Method: "POST", Path: startPath, Upstream: true}, {Method: "POST", Path: startPath + "/", Upstream: false}}, CellPass, "", ""},
		{"two executed starts", Expect{Result: []Outcome{OutcomeTransportError, OutcomeSuccess}, ExecutedStarts: &Range{Max: f64(1)}}, success,
			[]proxy.Attempt{{Method: "POST", Path: startPath, Upstream: true}, {Method: "POST", Path: startPath + "/", Upstream: true}}, CellFail, CheckStartsExecuted, "starts executed: want [..1], got 2"},
		{"hung up in time", Expect{Result: []Outcome{OutcomeTimeout}, HangUpMS: &Range{Max: f64(5000)}}, &Observation{ID: "s", Result: OutcomeTimeout},
			[]proxy.Attempt{{ClientHungUpMS: f64(3000)}}, CellPass, "", ""},
		{"hung up too late", Expect{Result: []Outcome{OutcomeTimeout}, HangUpMS: &Range{Max: f64(5000)}}, &Observation{ID: "s", Result: OutcomeTimeout},
			[]proxy.Attempt{{ClientHungUpMS: f64(9000)}}, CellFail, CheckHungUp, "want [..5000], got 9000"},
		{"never hung up", Expect{Result: []Outcome{OutcomeTimeout}, HangUpMS: &Range{Max: f64(5000)}}, &Observation{ID: "s", Result: OutcomeTimeout}, one, CellFail, CheckHungUp, "got never"},
		{"gap long enough", Expect{Result: []Outcome{OutcomeSuccess}, GapMS: &Range{Min: f64(1000)}}, success,
			[]proxy.Attempt{{}, {GapMS: f64(1500)}}, CellPass, "", ""},
		{"gap too short", Expect{Result: []Outcome{OutcomeSuccess}, GapMS: &Range{Min: f64(1000)}}, success,
			[]proxy.Attempt{{}, {GapMS: f64(10)}}, CellFail, "gap before attempt 2 (ms)", "want [1000..], got 10"},
		{"replayed retry", Expect{Result: []Outcome{OutcomeSuccess}, Resigned: true}, success,
			[]proxy.Attempt{{}, {Retry: true, Resigned: &no}}, CellFail, "attempt 2 re-signed", "re-signed"},
		{"re-signed retry", Expect{Result: []Outcome{OutcomeSuccess}, Resigned: true}, success,
			[]proxy.Attempt{{}, {Retry: true, Resigned: &yes}}, CellPass, "", ""},
		{"credentials to another host", Expect{Result: []Outcome{OutcomeSuccess}, NoCrossHostAuth: true}, success,
			[]proxy.Attempt{{Host: "127.0.0.1", Auth: "Application k:REDACTED"}, {Host: "localhost", Auth: "Application k:REDACTED"}}, CellFail, "attempt 2 to localhost carries no Authorization", "carries no Authorization"},
		{"no credentials to another host", Expect{Result: []Outcome{OutcomeSuccess}, NoCrossHostAuth: true}, success,
			[]proxy.Attempt{{Host: "127.0.0.1", Auth: "Application k:REDACTED"}, {Host: "localhost"}}, CellPass, "", ""},
		{"another port is the same host", Expect{Result: []Outcome{OutcomeSuccess}, NoCrossHostAuth: true}, success,
			[]proxy.Attempt{{Host: "127.0.0.1:8080", Auth: "Application k:REDACTED"}, {Host: "127.0.0.1:9090", Auth: "Application k:REDACTED"}}, CellPass, "", ""},
		{"the record's host:port, to another host", Expect{Result: []Outcome{OutcomeSuccess}, NoCrossHostAuth: true}, success,
			[]proxy.Attempt{{Host: "127.0.0.1:8080", Auth: "Application k:REDACTED"}, {Host: "localhost:8080", Auth: "Application k:REDACTED"}}, CellFail, "attempt 2 to localhost carries no Authorization", "carries no Authorization"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := Judge(tc.exp, caps, tc.obs, tc.attempts)
			assert.Equal(t, tc.cell, v.Cell, "%+v", v)
			assert.Contains(t, v.Reason, tc.reason)
			var failed []CheckName
			for _, c := range v.Checks {
				if !c.OK {
					failed = append(failed, c.Name)
				}
			}
			if tc.check == "" {
				assert.Empty(t, failed, "%+v", v)
			} else {
				assert.Equal(t, []CheckName{tc.check}, failed, "%+v", v)
			}
		})
	}
}
