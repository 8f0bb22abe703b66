package proxy

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRule_designExamples(t *testing.T) {
	t.Parallel()
	r, err := ParseRule(`lost:    POST /verification/v1/verifications body:/reference~.+ => lose(reset) times=1`)
	require.NoError(t, err)
	assert.Equal(t, Rule{
		ID: "lost", Method: "POST", Path: "/verification/v1/verifications",
		Conditions: []Condition{{On: "body", Name: "/reference", Op: "~", Value: ".+"}},
		Actions:    []Action{{Kind: ActLose, Then: ActReset}},
		Times:      1,
	}, r)
	assert.Equal(t, `lost: POST /verification/v1/verifications body:/reference~.+ => lose(reset) times=1`, r.String())

	r, err = ParseRule(`gateway: GET /verification/v1/verifications/id/* => status(502), body(html)`)
	require.NoError(t, err)
	assert.Equal(t, []Action{{Kind: ActStatus, Status: 502}, {Kind: ActBody, Body: BodyHTML}}, r.Actions)

	r, err = ParseRule(`* /verification/v1/... header:X-Flaky="yes please" => sinch(50300,example), header(Retry-After=2), delay(1.5s), partial(0.25,hang) after=1 every=2 p=0.5`)
	require.NoError(t, err)
	assert.Equal(t, "yes please", r.Conditions[0].Value)
	assert.Equal(t, Action{Kind: ActDelay, Delay: 1500 * time.Millisecond}, r.Actions[2])
	assert.Equal(t, Action{Kind: ActPartial, Fraction: 0.25, Then: ActHang}, r.Actions[3])
	assert.Equal(t, 1, r.After)
	assert.Equal(t, 2, r.Every)
	assert.Equal(t, 0.5, r.P)
	again, err := ParseRule(r.String())
	require.NoError(t, err)
	assert.Equal(t, r, again)
}

func TestParseRule_errorsNameRuleAndColumn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, rule, want string
		col              int
	}{
		{"no arrow", `x: GET /a pass`, `no "=>"`, 15},
		{"bad method", `x: get /a => pass`, `method "get"`, 4},
		{"no path", `GET => pass`, `PATH missing`, 5},
		{"bad path", `GET a/b => pass`, `want a path starting with /`, 5},
		{"dots not last", `GET /a/.../b => pass`, `"..." only as the last segment`, 5},
		{"bad condition", `x: GET /a query:b => pass`, `want a header: or body: condition`, 11},
		{"bad regexp", `GET /a body:/x~( => pass`, `bad regular expression`, 16},
		{"unknown action", `flaky: GET /a => sinc(50300)`, `unknown action "sinc"`, 18},
		{"undocumented code", `flaky: GET /a => sinch(50500)`, `sinch(50500): not a documented code`, 24},
		{"bad variant", `GET /a => sinch(50300,published)`, `the only variant is example`, 23},
		{"bad status", `GET /a => status(99)`, `want an HTTP status`, 18},
		{"bad body", `GET /a => body(xml)`, `body("xml")`, 16},
		{"bad delay", `GET /a => delay(soon)`, `delay("soon")`, 17},
		{"bad fraction", `GET /a => partial(1.5,reset)`, `want a fraction`, 19},
		{"bad then", `GET /a => partial(0.5,explode)`, `want reset, close or hang`, 23},
		{"lose hang", `GET /a => lose(hang)`, `want reset or close`, 16},
		{"two answers", `GET /a => hang, sinch(50300)`, `send no answer`, 10},
		{"pass alone", `GET /a => pass, delay(1s)`, `pass goes alone`, 10},
		{"code-as-string alone", `GET /a => body(code-as-string)`, `add sinch(CODE)`, 10},
		{"bad modifier", `GET /a => pass tries=2`, `unknown modifier "tries"`, 16},
		{"times zero", `GET /a => pass times=0`, `times=0`, 22},
		{"twice", `GET /a => pass times=1 times=2`, `times given twice`, 24},
		{"bad p", `GET /a => pass p=2`, `p="2"`, 18},
		{"unterminated", `GET /a header:X="a => pass`, `unterminated quoted string`, 17},
		{"missing action", `GET /a =>`, `action missing`, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseRule(tc.rule)
			require.Error(t, err)
			var pe *RuleError
			require.True(t, errors.As(err, &pe))
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, tc.col, pe.Column, err.Error())
			if strings.HasPrefix(tc.rule, "x:") || strings.HasPrefix(tc.rule, "flaky:") {
				assert.Contains(t, err.Error(), `rule "`+strings.SplitN(tc.rule, ":", 2)[0]+`"`)
			} else {
				assert.Contains(t, err.Error(), "rule "+strconv.Quote(tc.rule))
			}
		})
	}
}

func TestParseRules_namesTheLine(t *testing.T) {
	t.Parallel()
	rules, err := ParseRules("r.txt", "# chaos\n\nGET /a => pass\r\nPOST /b => reset\n")
	require.NoError(t, err)
	assert.Len(t, rules, 2)
	_, err = ParseRules("r.txt", "GET /a => pass\nGET /b => explode\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "r.txt:2: rule")
}

func TestPathMatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"*", "/anything/at/all", true},
		{"/verification/v1/...", "/verification/v1", true},
		{"/verification/v1/...", "/verification/v1/verifications/id/1", true},
		{"/verification/v1/verifications/id/*", "/verification/v1/verifications/id/1", true},
		{"/verification/v1/verifications/id/*", "/verification/v1/verifications/id/", false},
		{"/verification/v1/verifications/id/*", "/verification/v1/verifications/id/1/x", false},
		{"/verification/v1/verifications", "/verification/v1/verifications/id/1", false},
		{"/verification/v1/verifications/*/number/*", "/verification/v1/verifications/sms/number/+46", true},
	} {
		assert.Equal(t, tc.want, pathMatches(tc.pattern, tc.path), "%s %s", tc.pattern, tc.path)
	}
}

// TestParseRule_errorMessagesPinned pins whole messages, one or more per
// action and per combination rule, so that a change to how the parser is
// organised cannot change what a user reads.
func TestParseRule_errorMessagesPinned(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ rule, want string }{
		{`GET /a => hang(1)`, `rule "GET /a => hang(1)": column 15: hang: want hang without arguments`},
		{`GET /a => reset()`, `rule "GET /a => reset()": column 16: reset: want reset without arguments`},
		{`GET /a => close(x)`, `rule "GET /a => close(x)": column 16: close: want close without arguments`},
		{`GET /a => pass(x)`, `rule "GET /a => pass(x)": column 15: pass: want pass without arguments`},
		{`GET /a => sinch()`, `rule "GET /a => sinch()": column 17: sinch(""): want a documented five-digit code`},
		{`GET /a => sinch(1,2,3)`, `rule "GET /a => sinch(1,2,3)": column 16: sinch: want sinch(CODE) or sinch(CODE,example)`},
		{`GET /a => sinch(abc)`, `rule "GET /a => sinch(abc)": column 17: sinch("abc"): want a documented five-digit code`},
		{`GET /a => sinch(50500)`, `rule "GET /a => sinch(50500)": column 17: sinch(50500): not a documented code (vcheck catalog lists them)`},
		{`GET /a => sinch(50300,x)`, `rule "GET /a => sinch(50300,x)": column 23: sinch(50300,"x"): the only variant is example`},
		{`GET /a => status`, `rule "GET /a => status": column 17: status: want status(N)`},
		{`GET /a => status(1,2)`, `rule "GET /a => status(1,2)": column 17: status: want status(N)`},
		{`GET /a => status(600)`, `rule "GET /a => status(600)": column 18: status("600"): want an HTTP status from 200 to 599`},
		{`GET /a => body`, `rule "GET /a => body": column 15: body: want body(html|text|empty|notjson|code-as-string|huge)`},
		{`GET /a => body(xml)`, `rule "GET /a => body(xml)": column 16: body("xml"): want one of html, text, empty, notjson, code-as-string, huge`},
		{`GET /a => header`, `rule "GET /a => header": column 17: header: want header(Name=value)`},
		{`GET /a => header(X)`, `rule "GET /a => header(X)": column 18: header("X"): want header(Name=value) with an HTTP header name`},
		{`GET /a => header(X=a"b)`, `rule "GET /a => header(X=a\"b)": column 21: unterminated quoted string`},
		{`GET /a => header(X="a\u0001")`, `rule "GET /a => header(X=\"a\\u0001\")": column 20: header X: control characters are not allowed in a value`},
		{`GET /a => delay`, `rule "GET /a => delay": column 16: delay: want delay(D), e.g. delay(1.5s)`},
		{`GET /a => delay(2h)`, `rule "GET /a => delay(2h)": column 17: delay("2h"): want a duration such as 250ms, up to 1h0m0s`},
		{`GET /a => partial(0.5)`, `rule "GET /a => partial(0.5)": column 18: partial: want partial(FRACTION,reset|close|hang)`},
		{`GET /a => partial(1,reset)`, `rule "GET /a => partial(1,reset)": column 19: partial("1",...): want a fraction between 0 and 1`},
		{`GET /a => partial(0.5,pass)`, `rule "GET /a => partial(0.5,pass)": column 23: partial(...,"pass"): want reset, close or hang`},
		{`GET /a => lose`, `rule "GET /a => lose": column 15: lose: want lose(reset|close)`},
		{`GET /a => lose(hang)`, `rule "GET /a => lose(hang)": column 16: lose("hang"): want reset or close`},
		{`GET /a => sinc(50300)`, `rule "GET /a => sinc(50300)": column 11: unknown action "sinc": want sinch, status, body, header, delay, hang, reset, close, partial, lose or pass`},
		{`GET /a => sinch(50300), sinch(50300)`, `rule "GET /a => sinch(50300), sinch(50300)": column 10: sinch given twice`},
		{`GET /a => hang, reset`, `rule "GET /a => hang, reset": column 10: hang, reset and close exclude one another`},
		{`GET /a => lose(reset), status(500)`, `rule "GET /a => lose(reset), status(500)": column 10: lose drops the upstream's answer: no sinch, status, body or partial with it`},
		{`GET /a => sinch(50300), body(html)`, `rule "GET /a => sinch(50300), body(html)": column 10: sinch sets the body: only body(code-as-string) or body(huge) go with it`},
		{`GET /a => sinch(50300) x`, `rule "GET /a => sinch(50300) x": column 24: unexpected "x": want times=N, after=N, every=N or p=F`},
		{`GET /a => sinch(50300`, `rule "GET /a => sinch(50300": column 16: unclosed "("`},
		{`GET /a => sinch((50300)`, `rule "GET /a => sinch((50300)": column 17: unexpected "(" inside an action's arguments`},
		{`GET /a => ,`, `rule "GET /a => ,": column 11: unexpected ",": want an action such as sinch(50300)`},
	} {
		_, err := ParseRule(tc.rule)
		if assert.Error(t, err, tc.rule) {
			assert.Equal(t, tc.want, err.Error())
		}
	}
}
