package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func f64(v float64) *float64 { return &v }

func TestJudgeKit(t *testing.T) {
	t.Parallel()
	caps := KitCapabilities{SDK: "x", Supports: map[string]bool{"retry": false, "timeout": true}}
	one := []KitAttempt{{Method: "GET", Path: "/verification/v1/verifications/id/1", Host: "127.0.0.1", Status: 503}}
	apiErr := &KitObservation{ID: "s", Result: KitAPIError, Status: 503, Error: map[string]any{"errorCode": float64(50300), "message": "down"}}
	base := KitExpect{Result: []string{KitAPIError}, Status: 503, ErrorCode: 50300, Fields: []string{"errorCode", "message"}, Attempts: &KitRange{Min: f64(1), Max: f64(1)}}
	yes, no := true, false
	for _, tc := range []struct {
		name     string
		exp      KitExpect
		obs      *KitObservation
		attempts []KitAttempt
		cell     string
		reason   string
	}{
		{"pass", base, apiErr, one, CellPass, ""},
		{"wrong result", base, &KitObservation{ID: "s", Result: KitSuccess}, one, CellFail, "result: want api_error, got success"},
		{"wrong code", base, &KitObservation{ID: "s", Result: KitAPIError, Status: 503, Error: map[string]any{"errorCode": float64(50000), "message": "m"}}, one, CellFail, "errorCode"},
		{"code as string accepted", base, &KitObservation{ID: "s", Result: KitAPIError, Status: 503, Error: map[string]any{"errorCode": "50300", "message": "m"}}, one, CellPass, ""},
		{"missing field", base, &KitObservation{ID: "s", Result: KitAPIError, Status: 503, Error: map[string]any{"errorCode": float64(50300)}}, one, CellFail, "surfaces message"},
		{"raw fields are partial", base, &KitObservation{ID: "s", Result: KitAPIError, Status: 503, Error: apiErr.Error, Raw: []string{"errorCode"}}, one, CellPartial, "raw body"},
		{"too many attempts", base, apiErr, append(one, one[0]), CellFail, "attempts"},
		{"needs unsupported", KitExpect{Result: []string{KitSuccess}, Needs: "retry"}, nil, nil, CellNA, "no retry support"},
		{"not run", base, nil, nil, CellNotRun, ""},
		{"proxy failure is invalid", base, apiErr, []KitAttempt{{ProxyError: "upstream-unreachable"}}, CellInvalid, "proxy failure"},
		{"nothing sent is invalid", base, apiErr, nil, CellInvalid, "sent nothing"},
		{"unknown result is invalid", base, &KitObservation{ID: "s", Result: "exploded"}, one, CellInvalid, "exploded"},
		{"stuck fails", KitExpect{Result: []string{KitTransportError}}, &KitObservation{ID: "s", Result: KitStuck}, one, CellFail, "got stuck"},
		{"two executed starts", KitExpect{Result: []string{KitTransportError, KitSuccess}, ExecutedStarts: &KitRange{Max: f64(1)}}, &KitObservation{ID: "s", Result: KitSuccess},
			[]KitAttempt{{Method: "POST", Path: kitStartPath, Upstream: true}, {Method: "POST", Path: kitStartPath, Upstream: true}}, CellFail, "starts executed"},
		{"hung up in time", KitExpect{Result: []string{KitTimeout}, HangUpMS: &KitRange{Max: f64(5000)}}, &KitObservation{ID: "s", Result: KitTimeout},
			[]KitAttempt{{ClientHungUpMS: f64(3000)}}, CellPass, ""},
		{"never hung up", KitExpect{Result: []string{KitTimeout}, HangUpMS: &KitRange{Max: f64(5000)}}, &KitObservation{ID: "s", Result: KitTimeout}, one, CellFail, "never"},
		{"gap too short", KitExpect{Result: []string{KitSuccess}, GapMS: &KitRange{Min: f64(1000)}}, &KitObservation{ID: "s", Result: KitSuccess},
			[]KitAttempt{{}, {GapMS: f64(10)}}, CellFail, "gap before attempt 2"},
		{"replayed retry", KitExpect{Result: []string{KitSuccess}, Resigned: true}, &KitObservation{ID: "s", Result: KitSuccess},
			[]KitAttempt{{}, {Retry: true, Resigned: &no}}, CellFail, "re-signed"},
		{"re-signed retry", KitExpect{Result: []string{KitSuccess}, Resigned: true}, &KitObservation{ID: "s", Result: KitSuccess},
			[]KitAttempt{{}, {Retry: true, Resigned: &yes}}, CellPass, ""},
		{"credentials to another host", KitExpect{Result: []string{KitSuccess}, NoCrossHostAuth: true}, &KitObservation{ID: "s", Result: KitSuccess},
			[]KitAttempt{{Host: "127.0.0.1", Auth: "Application k:REDACTED"}, {Host: "localhost", Auth: "Application k:REDACTED"}}, CellFail, "carries no Authorization"},
		{"no credentials to another host", KitExpect{Result: []string{KitSuccess}, NoCrossHostAuth: true}, &KitObservation{ID: "s", Result: KitSuccess},
			[]KitAttempt{{Host: "127.0.0.1", Auth: "Application k:REDACTED"}, {Host: "localhost"}}, CellPass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := JudgeKit(tc.exp, caps, tc.obs, tc.attempts)
			assert.Equal(t, tc.cell, v.Cell, "%+v", v)
			assert.Contains(t, v.Reason, tc.reason)
		})
	}
}
