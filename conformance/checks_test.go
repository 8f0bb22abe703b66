package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/fixtures"
)

func golden(t *testing.T, code int) string {
	t.Helper()
	b, ok := fixtures.Golden(code)
	require.True(t, ok, "no golden body for %d", code)
	return string(b)
}

func jsonResp(status int, body string) *Response {
	return NewResponse(status, http.Header{"Content-Type": {"application/json"}}, []byte(body))
}

// summary reduces findings to "check:severity:erratum" in order.
func summary(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%s:%d", f.Check, f.Severity, f.Erratum))
	}
	return out
}

func errCase(family string, status int, codes ...int) Case {
	return Case{
		Family:  family,
		Defect:  "the defect of " + family,
		Request: post(pathStart, startBody("447700900123", "sms", ""), Auth{Scheme: AuthSigned}),
		Expect:  Expectation{HTTPStatus: status, Codes: codes},
	}
}

func TestJudge(t *testing.T) {
	t.Parallel()
	c40005 := errCase("40005/no-plus", 400, 40005)
	c40303 := errCase("40303/magic", 403, 40303)
	c50300 := errCase("50300/magic", 503, 50300)
	c50000 := errCase("50000/magic", 500, 50000)
	c42200 := errCase("42200/magic", 422, 42200)
	c40104 := errCase("40104/no-authorization", 401, 40104)
	c40003 := errCase("40003/too-short", 400, 40003)
	c40101 := errCase("40101/absent", 401, 40101)
	c40001 := errCase("40001/too-long", 400, 40001)
	c40102 := errCase("40102/flipped-bit", 401, 40102)
	c42901 := errCase("42901/same-number", 429, 42901)
	control := Case{Family: "control/start", Defect: "none", Request: post(pathStart, startBody("+447700900123", "sms", ""), Auth{}), Expect: Expectation{Success: true}}
	ex40005 := `{"status":"400 NumberMissingLeadingPlus","errorCode":40002,"message":"Phone number missing leading plus sign"}`
	html := NewResponse(502, http.Header{"Content-Type": {"text/html"}}, []byte("<html><body>Bad Gateway</body></html>"))

	tests := []struct {
		name   string
		reason string
		c      Case
		r      *Response
		policy Policy
		want   []string
	}{
		{"golden-40005", "the catalog's canonical body", c40005, jsonResp(400, golden(t, 40005)), PolicyDefault, []string{}},
		{"example-40005/default", "erratum 1 policy: 40002 with the example's status is accepted and recorded", c40005, jsonResp(400, ex40005), PolicyDefault, []string{"error-code:note:1"}},
		{"example-40005/strict", "erratum 1 policy: strict accepts only 40005", c40005, jsonResp(400, ex40005), PolicyStrict, []string{"error-code:violation:1", "status-string:violation:1"}},
		{"40002-own-status/default", "erratum 1 policy names the example's pairing only", c40005, jsonResp(400, golden(t, 40002)), PolicyDefault, []string{"error-code:note:1", "status-string:violation:1"}},
		{"40002-own-status/lenient", "lenient also accepts the alternative code's own status", c40005, jsonResp(400, golden(t, 40002)), PolicyLenient, []string{"error-code:note:1"}},
		{"example-40303/default", "erratum 2 policy: \"401 RestrictedAction\" accepted and recorded", c40303, jsonResp(403, `{"status":"401 RestrictedAction","errorCode":40303,"message":"No verification method available"}`), PolicyDefault, []string{"status-string:note:2"}},
		{"example-40303/strict", "erratum 2 policy: strict accepts only \"403 RestrictedAction\"", c40303, jsonResp(403, `{"status":"401 RestrictedAction","errorCode":40303,"message":"No verification method available"}`), PolicyStrict, []string{"status-string:violation:2"}},
		{"example-50300/default", "erratum 3 policy: 50500 with \"503 TemporaryDown\" accepted and recorded", c50300, jsonResp(503, `{"status":"503 TemporaryDown","errorCode":50500,"message":"Service temporarily unavailable"}`), PolicyDefault, []string{"error-code:note:3"}},
		{"example-50300/strict", "erratum 3 policy: strict accepts only 50300", c50300, jsonResp(503, `{"status":"503 TemporaryDown","errorCode":50500,"message":"Service temporarily unavailable"}`), PolicyStrict, []string{"error-code:violation:3"}},
		{"42200-as-420/lenient", "erratum 4 policy: 420 is never accepted", c42200, jsonResp(420, `{"status":"420 ApplicationConfiguration","errorCode":42200,"message":"Application name has not been configured"}`), PolicyLenient, []string{"http-status:violation:4", "status-string:violation:0"}},
		{"code-as-string/default", "erratum 5 policy: a string errorCode is a note", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":"40005","message":"Phone number missing leading plus sign"}`), PolicyDefault, []string{"body-schema:note:5"}},
		{"code-as-string/strict", "erratum 5 policy: a violation in strict mode", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":"40005","message":"Phone number missing leading plus sign"}`), PolicyStrict, []string{"body-schema:violation:5"}},
		{"40100-for-no-header/default", "erratum 7 policy: 40100 accepted and recorded for no header", c40104, jsonResp(401, golden(t, 40100)), PolicyDefault, []string{"error-code:note:7"}},
		{"40100-for-no-header/strict", "erratum 7 policy: strict accepts only 40104", c40104, jsonResp(401, golden(t, 40100)), PolicyStrict, []string{"error-code:violation:7"}},
		{"newest-page-40001/default", "erratum 10 policy: 40001 accepted and recorded; a missing status is a note", c40003, jsonResp(400, `{"errorCode":40001,"message":"Number +4813 is invalid. Too short."}`), PolicyDefault, []string{"error-code:note:10", "status-string:note:10"}},
		{"newest-page-40001/strict", "erratum 10 policy: strict accepts only 40003 and requires status", c40003, jsonResp(400, `{"errorCode":40001,"message":"Number +4813 is invalid. Too short."}`), PolicyStrict, []string{"error-code:violation:10", "status-string:violation:10"}},
		{"timestamp-header/default", "erratum 12 policy: TimestampHeader accepted and recorded", c40101, jsonResp(401, `{"status":"401 TimestampHeader","errorCode":40101,"message":"X-Timestamp required"}`), PolicyDefault, []string{"status-string:note:12"}},
		{"timestamp-header/strict", "erratum 12 policy: strict accepts only AuthorizationHeader", c40101, jsonResp(401, `{"status":"401 TimestampHeader","errorCode":40101,"message":"X-Timestamp required"}`), PolicyStrict, []string{"status-string:violation:12"}},
		{"wrong-http-status", "the catalog: 40005 is HTTP 400", c40005, jsonResp(422, golden(t, 40005)), PolicyDefault, []string{"http-status:violation:0"}},
		{"wrong-code", "the catalog: a missing plus is 40005; 40003's body is consistent in itself", c40005, jsonResp(400, golden(t, 40003)), PolicyDefault, []string{"error-code:violation:0"}},
		{"wrong-status-type", "the catalog's status for 40005", c40005, jsonResp(400, `{"status":"400 InvalidRequest","errorCode":40005,"message":"x"}`), PolicyDefault, []string{"status-string:violation:0"}},
		{"wrong-status-number", "the status string's HTTP part must be the catalog's", c40005, jsonResp(400, `{"status":"401 NumberMissingLeadingPlus","errorCode":40005,"message":"x"}`), PolicyDefault, []string{"status-string:violation:0"}},
		{"status-not-a-string", "the Error schema: status is a string", c40005, jsonResp(400, `{"status":400,"errorCode":40005,"message":"x"}`), PolicyDefault, []string{"status-string:violation:0"}},
		{"no-content-type", "errors are JSON (facts.md section 1)", c40005, NewResponse(400, http.Header{}, []byte(golden(t, 40005))), PolicyDefault, []string{"content-type:violation:0"}},
		{"charset-allowed", "a media type parameter is still application/json", c40005, NewResponse(400, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, []byte(golden(t, 40005))), PolicyDefault, []string{}},
		{"html-gateway-page", "a non-JSON body breaks every body check, and a 5xx for a client defect is the server's fault", c40005, html, PolicyDefault,
			[]string{"http-status:violation:0", "error-code:violation:0", "body-schema:violation:0", "content-type:violation:0", "no-server-error-for-client-fault:violation:0"}},
		{"not-an-object", "the Error schema: an object", c40005, jsonResp(400, `[1]`), PolicyDefault, []string{"error-code:violation:0", "body-schema:violation:0"}},
		{"empty-message", "the Error schema: message has minLength 1", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":""}`), PolicyDefault, []string{"message-present:violation:0"}},
		{"missing-message", "the Error schema: message is required", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005}`), PolicyDefault, []string{"message-present:violation:0"}},
		{"missing-code", "the Error schema: errorCode is required", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","message":"x"}`), PolicyDefault, []string{"error-code:violation:0", "body-schema:violation:0"}},
		{"reference-ok", "reference is an optional string", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":"x","reference":"ab-12"}`), PolicyDefault, []string{}},
		{"reference-empty", "reference, when present, is not empty", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":"x","reference":""}`), PolicyDefault, []string{"reference-format:violation:0"}},
		{"reference-control", "reference has no control characters", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":"x","reference":"a\u0007b"}`), PolicyDefault, []string{"reference-format:violation:0"}},
		{"reference-number", "reference is a string", c40005, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":"x","reference":42}`), PolicyDefault, []string{"reference-format:violation:0"}},
		{"server-error-for-client-fault", "a malformed report code is the client's fault: never 5xx", c40001, jsonResp(500, golden(t, 50000)), PolicyDefault, []string{"http-status:violation:0", "error-code:violation:0", "no-server-error-for-client-fault:violation:0"}},
		{"server-error-documented", "a magic 50000 is the documented answer", c50000, jsonResp(500, golden(t, 50000)), PolicyDefault, []string{}},
		{"accepted-bad-signature", "a defective request must be rejected", c40102, jsonResp(200, `{"id":"1","method":"sms"}`), PolicyDefault, []string{"malformed-rejected:violation:0"}},
		{"redirect-for-defect", "a redirect is not a rejection", c40102, jsonResp(302, ``), PolicyDefault, []string{"malformed-rejected:violation:0"}},
		{"control-accepted", "a well-formed request succeeds", control, jsonResp(200, `{"id":"1"}`), PolicyDefault, []string{}},
		{"control-rejected", "a well-formed request must not be rejected", control, jsonResp(400, golden(t, 40003)), PolicyDefault, []string{"well-formed-accepted:violation:0"}},
		{"control-rate-limited", "a 42901 the case did not ask for is the run's pace: inconclusive", control, jsonResp(429, golden(t, 42901)), PolicyDefault, []string{"rate-limited:inconclusive:0"}},
		{"defect-rate-limited", "a 42900 the case did not ask for is inconclusive", c40005, jsonResp(429, golden(t, 42900)), PolicyStrict, []string{"rate-limited:inconclusive:0"}},
		{"velocity-expected", "the 42901 case gets 42901", c42901, jsonResp(429, golden(t, 42901)), PolicyStrict, []string{}},
		{"missing-status/default", "facts.md: status is optional, its absence a note", c40005, jsonResp(400, `{"errorCode":40005,"message":"Phone number missing leading plus sign"}`), PolicyDefault, []string{"status-string:note:10"}},
		{"missing-status/strict", "facts.md: its absence is a finding only in strict mode", c40005, jsonResp(400, `{"errorCode":40005,"message":"Phone number missing leading plus sign"}`), PolicyStrict, []string{"status-string:violation:10"}},
	}
	names := map[string]bool{}
	for _, tt := range tests {
		require.NotEmpty(t, tt.reason, "row %q has no reason", tt.name)
		require.False(t, names[tt.name], "duplicate row %q", tt.name)
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Oracle{Policy: tt.policy}.Judge(tt.c, tt.r)
			assert.Equal(t, tt.want, summary(got), "%s\n%v", tt.reason, got)
			for _, f := range got {
				assert.Equal(t, tt.c.Family, f.Family)
				assert.NotEmpty(t, f.Got)
				assert.NotEmpty(t, f.Want)
			}
		})
	}
}

// TestEveryCheckFails shows every check failing on some answer (habit 8):
// the table above must name each check at least once as a violation.
func TestEveryCheckFails(t *testing.T) {
	t.Parallel()
	c := errCase("40005/no-plus", 400, 40005)
	control := Case{Family: "control/start", Expect: Expectation{Success: true}}
	bad := map[string]struct {
		c Case
		r *Response
	}{
		CheckHTTPStatus:         {c, jsonResp(404, golden(t, 40005))},
		CheckErrorCode:          {c, jsonResp(400, golden(t, 40003))},
		CheckStatusString:       {c, jsonResp(400, `{"status":"400 X","errorCode":40005,"message":"x"}`)},
		CheckBodySchema:         {c, jsonResp(400, `not json`)},
		CheckContentType:        {c, NewResponse(400, nil, []byte(golden(t, 40005)))},
		CheckMessagePresent:     {c, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":"  "}`)},
		CheckReferenceFormat:    {c, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":"x","reference":" "}`)},
		CheckNoServerError:      {c, jsonResp(503, golden(t, 50300))},
		CheckMalformedRejected:  {c, jsonResp(201, `{}`)},
		CheckWellFormedAccepted: {control, jsonResp(500, golden(t, 50000))},
	}
	o := Oracle{}
	for _, chk := range o.Checks() {
		in, ok := bad[chk.Name]
		require.True(t, ok, "no failing answer for %s", chk.Name)
		fs := chk.Run(in.c, in.r)
		assert.True(t, slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == SeverityViolation && f.Check == chk.Name }), "%s: %v", chk.Name, fs)
		assert.NotEmpty(t, chk.Doc)
		good := jsonResp(400, golden(t, 40005))
		if chk.Name == CheckWellFormedAccepted {
			good = jsonResp(200, `{}`)
			in.c = control
		}
		assert.Empty(t, chk.Run(in.c, good), "%s passes the golden answer", chk.Name)
	}
}

func TestFindingString(t *testing.T) {
	t.Parallel()
	c := errCase("40005/no-plus", 400, 40005)
	c.Defect = `endpoint "447700900123" lacks the leading plus`
	fs := Oracle{Policy: PolicyStrict}.Judge(c, jsonResp(400, golden(t, 40003)))
	require.Len(t, fs, 1)
	assert.Equal(t, `POST /verification/v1/verifications: errorCode = 40003, want 40005 (error-code, 40005/no-plus: endpoint "447700900123" lacks the leading plus)`, fs[0].String())
	fs = Judge(c, jsonResp(400, `{"status":"400 NumberMissingLeadingPlus","errorCode":40002,"message":"m"}`), PolicyDefault)
	require.Len(t, fs, 1)
	assert.Equal(t, `note: POST /verification/v1/verifications: errorCode = 40002, want 40005; the target sides with the published example (errorCode 40002) against the 40005 heading (erratum 1); accepted under the default policy (error-code, 40005/no-plus: endpoint "447700900123" lacks the leading plus)`, fs[0].String())
	assert.Equal(t, []int{40005, 40002}, c.Expect.Acceptable(PolicyDefault))
	assert.Equal(t, []int{40005}, c.Expect.Acceptable(PolicyStrict))
}

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	for _, p := range []Policy{PolicyDefault, PolicyStrict, PolicyLenient} {
		got, err := ParsePolicy(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	_, err := ParsePolicy("loose")
	assert.ErrorContains(t, err, "want default, strict or lenient")
}
