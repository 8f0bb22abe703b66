package contracts

// These tests are in package contracts, not contracts_test, for one reason:
// TestParseErrorBodyFastPath compares the fast path of ParseErrorBody with
// the general one, which only the package can call.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/fixtures"
)

// kinds lists problems as "kind" or "kind:field", for comparing whole lists.
func kinds(ps []Problem) []string {
	out := []string{}
	for _, p := range ps {
		if p.Field == "" {
			out = append(out, string(p.Kind))
		} else {
			out = append(out, string(p.Kind)+":"+p.Field)
		}
	}
	return out
}

// TestParseErrorBodyExamples parses every example body of the errors page
// exactly as published (errata included, as the catalog stores them).
func TestParseErrorBodyExamples(t *testing.T) {
	t.Parallel()
	for _, s := range DefaultCatalog().Errors {
		t.Run(strconv.Itoa(s.Code), func(t *testing.T) {
			t.Parallel()
			var want struct {
				Status    string `json:"status"`
				ErrorCode int    `json:"errorCode"`
				Message   string `json:"message"`
			}
			require.NoError(t, json.Unmarshal(s.Example, &want))
			e := ParseErrorBody(s.Example)
			assert.Empty(t, e.Problems, "the parser judges shape only; errata are Validate's and the lint's")
			assert.Equal(t, want.Status, e.Status)
			assert.Equal(t, want.ErrorCode, e.Code, "as published: 40002 under 40005 (erratum 1), 50500 under 50300 (erratum 3)")
			assert.Equal(t, want.Message, e.Message)
			code, typ, err := ParseStatus(want.Status)
			require.NoError(t, err)
			assert.Equal(t, code, e.StatusCode, "401 under 40303 (erratum 2)")
			assert.Equal(t, typ, e.Type)
			assert.Equal(t, []byte(s.Example), e.Raw)
			assert.Nil(t, e.Extra)
		})
	}
}

func TestParseErrorBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		want   APIError // compared without Raw and Problems
		kinds  []string
		reason string
	}{
		{
			name: "golden", body: `{"status":"400 ParameterValidation","errorCode":40001,"message":"Supplied SMS code invalid format"}`,
			want:  APIError{Status: "400 ParameterValidation", StatusCode: 400, Type: "ParameterValidation", Code: 40001, Message: "Supplied SMS code invalid format"},
			kinds: []string{}, reason: "facts.md section 1",
		},
		{
			name: "with reference", body: `{"status":"404 ResourceNotFound","errorCode":40400,"message":"Requested resource not found","reference":"ab12"}`,
			want:  APIError{Status: "404 ResourceNotFound", StatusCode: 404, Type: "ResourceNotFound", Code: 40400, Message: "Requested resource not found", Reference: "ab12"},
			kinds: []string{}, reason: "reference is an optional documented field",
		},
		{
			name: "pretty-printed with escapes", body: "{\n  \"status\" : \"400 InvalidRequest\",\n  \"errorCode\" : 40003,\n  \"message\" : \"Phone number \\\"+46\\\" invalid \\u00e9\"\n}\n",
			want:  APIError{Status: "400 InvalidRequest", StatusCode: 400, Type: "InvalidRequest", Code: 40003, Message: `Phone number "+46" invalid é`},
			kinds: []string{}, reason: "any JSON layout",
		},
		{
			name: "errorCode as numeric string", body: `{"status":"400 ParameterValidation","errorCode":"40001","message":"m"}`,
			want:  APIError{Status: "400 ParameterValidation", StatusCode: 400, Type: "ParameterValidation", Code: 40001, Message: "m"},
			kinds: []string{"code-as-string:errorCode"}, reason: "erratum 5: the field table says string",
		},
		{
			name: "errorCode as float", body: `{"status":"400 ParameterValidation","errorCode":40001.0,"message":"m"}`,
			want:  APIError{Status: "400 ParameterValidation", StatusCode: 400, Type: "ParameterValidation", Code: 40001, Message: "m"},
			kinds: []string{}, reason: "40001.0 is the JSON number 40001",
		},
		{
			name: "errorCode with exponent", body: `{"status":"400 ParameterValidation","errorCode":4.0001e4,"message":"m"}`,
			want:  APIError{Status: "400 ParameterValidation", StatusCode: 400, Type: "ParameterValidation", Code: 40001, Message: "m"},
			kinds: []string{}, reason: "the same JSON number",
		},
		{
			name: "errorCode fractional", body: `{"status":"400 X","errorCode":40001.5,"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "not an integer",
		},
		{
			name: "errorCode object", body: `{"status":"400 X","errorCode":{"value":40001},"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "a number or a numeric string only",
		},
		{
			name: "errorCode bool", body: `{"status":"400 X","errorCode":true,"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "a number or a numeric string only",
		},
		{
			name: "errorCode null", body: `{"status":"400 X","errorCode":null,"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "null is not a code",
		},
		{
			name: "errorCode negative", body: `{"status":"400 X","errorCode":-40001,"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "codes are five digits",
		},
		{
			name: "errorCode huge", body: `{"status":"400 X","errorCode":99999999999999999999,"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "does not fit; must not wrap around",
		},
		{
			name: "errorCode beyond float", body: `{"status":"400 X","errorCode":1e400,"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "infinite as a float",
		},
		{
			name: "errorCode string not a number", body: `{"status":"400 X","errorCode":"4000l","message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "only numeric strings (erratum 5)",
		},
		{
			name: "errorCode string padded", body: `{"status":"400 X","errorCode":" 40001","message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "a numeric string exactly",
		},
		{
			name: "errorCode string signed", body: `{"status":"400 X","errorCode":"+40001","message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Message: "m"},
			kinds: []string{"wrong-type:errorCode"}, reason: "a numeric string exactly",
		},
		{
			name: "bad status", body: `{"status":"Bad Request","errorCode":40001,"message":"m"}`,
			want:  APIError{Status: "Bad Request", Code: 40001, Message: "m"},
			kinds: []string{"bad-status:status"}, reason: `status is "CODE Type"`,
		},
		{
			name: "status without type", body: `{"status":"400","errorCode":40001,"message":"m"}`,
			want:  APIError{Status: "400", Code: 40001, Message: "m"},
			kinds: []string{"bad-status:status"}, reason: `status is "CODE Type"`,
		},
		{
			name: "status as number", body: `{"status":400,"errorCode":40001,"message":"m"}`,
			want:  APIError{Code: 40001, Message: "m"},
			kinds: []string{"wrong-type:status"}, reason: "status is a string",
		},
		{
			name: "status null", body: `{"status":null,"errorCode":40001,"message":"m"}`,
			want:  APIError{Code: 40001, Message: "m"},
			kinds: []string{"wrong-type:status"}, reason: "null is not a string",
		},
		{
			name: "missing status", body: `{"errorCode":40001,"message":"Number +4813 is invalid. Too short."}`,
			want:  APIError{Code: 40001, Message: "Number +4813 is invalid. Too short."},
			kinds: []string{"missing-field:status"}, reason: "erratum 10: the newest page drops status",
		},
		{
			name: "empty object", body: `{}`,
			kinds: []string{"missing-field:status", "missing-field:errorCode", "missing-field:message"}, reason: "reference is optional",
		},
		{
			name: "blank message", body: `{"status":"400 X","errorCode":40001,"message":"  "}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Code: 40001, Message: "  "},
			kinds: []string{"empty-message:message"}, reason: "a message says what went wrong",
		},
		{
			name: "message not a string", body: `{"status":"400 X","errorCode":40001,"message":["a","b"]}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Code: 40001},
			kinds: []string{"wrong-type:message"}, reason: "message is a string",
		},
		{
			name: "blank reference", body: `{"status":"400 X","errorCode":40001,"message":"m","reference":""}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Code: 40001, Message: "m"},
			kinds: []string{"bad-reference:reference"}, reason: "present means a reference",
		},
		{
			name: "reference as number", body: `{"status":"400 X","errorCode":40001,"message":"m","reference":12}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Code: 40001, Message: "m"},
			kinds: []string{"wrong-type:reference"}, reason: "reference is a string",
		},
		{
			name: "invalid UTF-8", body: "{\"status\":\"400 X\",\"errorCode\":40001,\"message\":\"caf\xe9\"}",
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Code: 40001, Message: "caf\uFFFD"},
			kinds: []string{"invalid-utf8:message"}, reason: "JSON text is UTF-8 (RFC 8259)",
		},
		{
			name: "unknown fields", body: `{"status":"400 X","errorCode":40001,"message":"m","traceId":"t-1","details":{"field":"endpoint"}}`,
			want: APIError{Status: "400 X", StatusCode: 400, Type: "X", Code: 40001, Message: "m",
				Extra: map[string]json.RawMessage{"traceId": json.RawMessage(`"t-1"`), "details": json.RawMessage(`{"field":"endpoint"}`)}},
			kinds: []string{"unknown-field:details", "unknown-field:traceId"}, reason: "kept out of the way, recorded, sorted by name",
		},
		{
			name: "field names are case-sensitive", body: `{"Status":"400 X","ErrorCode":40001,"message":"m"}`,
			want: APIError{Message: "m",
				Extra: map[string]json.RawMessage{"Status": json.RawMessage(`"400 X"`), "ErrorCode": json.RawMessage(`40001`)}},
			kinds: []string{"missing-field:status", "missing-field:errorCode", "unknown-field:ErrorCode", "unknown-field:Status"}, reason: "the documented names exactly",
		},
		{
			name: "duplicate field", body: `{"status":"400 X","errorCode":40002,"errorCode":40001,"message":"m"}`,
			want:  APIError{Status: "400 X", StatusCode: 400, Type: "X", Code: 40001, Message: "m"},
			kinds: []string{}, reason: "the last one wins, as in encoding/json",
		},
		{
			name: "empty body", body: ``,
			kinds: []string{"empty-body"}, reason: "facts.md section 4: SDKs drop empty bodies; the oracle records them",
		},
		{
			name: "white space", body: " \r\n\t ",
			kinds: []string{"empty-body"}, reason: "nothing but white space",
		},
		{
			name: "HTML gateway page", body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
			kinds: []string{"not-json"}, reason: "a proxy in front of the API (design.md)",
		},
		{
			name: "JSON array", body: `[{"errorCode":40001}]`,
			kinds: []string{"not-object"}, reason: "an error body is an object",
		},
		{
			name: "JSON null", body: `null`,
			kinds: []string{"not-object"}, reason: "an error body is an object",
		},
		{
			name: "JSON string", body: `"Bad Request"`,
			kinds: []string{"not-object"}, reason: "an error body is an object",
		},
		{
			name: "trailing data", body: `{"status":"400 X","errorCode":40001,"message":"m"} {}`,
			kinds: []string{"not-json"}, reason: "one JSON value",
		},
		{
			name: "cut short", body: `{"status":"400 X","errorCode":400`,
			kinds: []string{"not-json"}, reason: "a truncated answer",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			e := ParseErrorBody([]byte(tt.body))
			assert.Equal(t, tt.kinds, kinds(e.Problems), tt.reason)
			assert.Equal(t, []byte(tt.body), e.Raw)
			got := *e
			got.Raw, got.Problems = nil, nil
			assert.Equal(t, tt.want, got, tt.reason)
			for _, p := range e.Problems {
				assert.NotEmpty(t, p.Detail, "%s says what was found", p.Kind)
			}
		})
	}
}

func TestParseErrorBodyTruncates(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte(" "), MaxErrorBodySize+10)
	copy(body, `{"status":"400 X","errorCode":40001,"message":"m"}`)
	e := ParseErrorBody(body)
	assert.Len(t, e.Raw, MaxErrorBodySize)
	assert.Equal(t, []string{"truncated"}, kinds(e.Problems), "the JSON fits in the first MiB; the cut is still recorded")
	assert.Equal(t, 40001, e.Code)
}

// countingReader is an endless body that counts the bytes read from it.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	if r.n == 0 && len(p) > 0 {
		p[0] = '{'
	}
	r.n += len(p)
	return len(p), nil
}

func response(status int, contentType string, body io.Reader) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(body)}
}

func TestParseErrorBoundsItsRead(t *testing.T) {
	t.Parallel()
	r := &countingReader{}
	e := ParseError(response(502, "application/json", io.LimitReader(r, 10<<20)))
	assert.Equal(t, MaxErrorBodySize+1, r.n, "reads one byte past the cap to know it was cut, and no more")
	assert.Len(t, e.Raw, MaxErrorBodySize)
	assert.True(t, e.Has(ProblemTruncated))
	assert.True(t, e.Has(ProblemNotJSON))
	assert.Equal(t, 502, e.HTTPStatus)
}

// TestParseRetryAfter pins the one Retry-After parser that the oracle
// (ParseError) and the runner's rate-limit wait share.
func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration, layout string) string { return now.Add(d).Format(layout) }
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
		reason string
	}{
		{"zero", "0", 0, true, "retry now"},
		{"seconds", "120", 2 * time.Minute, true, "RFC 9110 section 10.2.3"},
		{"leading zeros", "007", 7 * time.Second, true, "1*DIGIT allows them"},
		{"surrounding whitespace", " 7\t", 7 * time.Second, true, "OWS around a field value is not part of it"},
		{"one day", "86400", MaxRetryAfter, true, "the cap itself"},
		{"past the cap", "86401", MaxRetryAfter, true, "a longer delay is capped"},
		{"past a Duration", "9999999999", MaxRetryAfter, true, "would overflow time.Duration if multiplied"},
		{"past uint64", "99999999999999999999999", MaxRetryAfter, true, "still 1*DIGIT"},
		{"fraction", "1.5", 0, false, "delay-seconds is 1*DIGIT, no fraction"},
		{"negative", "-5", 0, false, "no sign"},
		{"plus sign", "+5", 0, false, "no sign"},
		{"unit", "5s", 0, false, "seconds are implied, not written"},
		{"exponent", "1e3", 0, false, "not a digit"},
		{"non-ASCII digits", "\u0661\u0662", 0, false, "DIGIT is ASCII 0-9"},
		{"empty", "", 0, false, "no value"},
		{"garbage", "soon", 0, false, "neither form"},
		{"IMF-fixdate ahead", date(90*time.Second, http.TimeFormat), 90 * time.Second, true, "the preferred HTTP-date"},
		{"RFC 850 date ahead", date(time.Minute, time.RFC850), time.Minute, true, "an obsolete HTTP-date a recipient must accept"},
		{"asctime date ahead", date(time.Minute, time.ANSIC), time.Minute, true, "an obsolete HTTP-date a recipient must accept"},
		{"date in the past", date(-time.Hour, http.TimeFormat), 0, true, "a date already gone means now"},
		{"date years ahead", date(10*365*24*time.Hour, http.TimeFormat), MaxRetryAfter, true, "capped like seconds"},
		{"impossible date", "Mon, 32 Jan 2026 00:00:00 GMT", 0, false, "no 32nd of January"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRetryAfter(tt.value, now)
			assert.Equal(t, tt.wantOK, ok, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}

func TestParseError(t *testing.T) {
	t.Parallel()
	golden, ok := fixtures.Golden(42900)
	require.True(t, ok)
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name        string
		status      int
		contentType string
		retryAfter  string
		body        io.Reader
		kinds       []string
		wantRetry   time.Duration
		reason      string
	}{
		{"golden", 429, "application/json", "", bytes.NewReader(golden), []string{}, 0, "facts.md section 1"},
		{"charset", 429, "application/json; charset=utf-8", "", bytes.NewReader(golden), []string{}, 0, "parameters are allowed"},
		{"no Content-Type", 429, "", "", bytes.NewReader(golden), []string{"content-type:Content-Type"}, 0, "an error body is JSON"},
		{"text/html", 429, "text/html", "", bytes.NewReader(golden), []string{"content-type:Content-Type"}, 0, "an error body is JSON"},
		{"problem+json", 429, "application/problem+json", "", bytes.NewReader(golden), []string{"content-type:Content-Type"}, 0, "the docs say JSON, not RFC 9457"},
		{"Retry-After seconds", 429, "application/json", "120", bytes.NewReader(golden), []string{}, 2 * time.Minute, "RFC 9110 section 10.2.3"},
		{"Retry-After past date", 429, "application/json", past, bytes.NewReader(golden), []string{}, 0, "a date already gone means now"},
		{"Retry-After garbage", 429, "application/json", "soon", bytes.NewReader(golden), []string{"bad-retry-after:Retry-After"}, 0, "recorded, not dropped (style.md habit 16)"},
		{"Retry-After negative", 429, "application/json", "-5", bytes.NewReader(golden), []string{"bad-retry-after:Retry-After"}, 0, "delay-seconds is a non-negative integer"},
		{"Retry-After fraction", 429, "application/json", "1.5", bytes.NewReader(golden), []string{"bad-retry-after:Retry-After"}, 0, "delay-seconds is 1*DIGIT"},
		{"Retry-After beyond a Duration", 429, "application/json", "9999999999", bytes.NewReader(golden), []string{}, MaxRetryAfter, "valid delay-seconds, capped rather than overflowed"},
		{"no body", 502, "text/html", "", nil, []string{"empty-body", "content-type:Content-Type"}, 0, "a gateway answer"},
		{
			"read fails mid-way", 503, "application/json", "",
			io.MultiReader(strings.NewReader(`{"status":"503 Temp`), iotest.ErrReader(errors.New("connection reset by peer"))),
			[]string{"not-json", "truncated"}, 0, "what was read is parsed, the failure recorded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			resp := response(tt.status, tt.contentType, tt.body)
			if tt.body == nil {
				resp.Body = nil
			}
			if tt.retryAfter != "" {
				resp.Header.Set("Retry-After", tt.retryAfter)
			}
			e := ParseError(resp)
			assert.Equal(t, tt.kinds, kinds(e.Problems), tt.reason)
			assert.Equal(t, tt.status, e.HTTPStatus)
			assert.Equal(t, tt.contentType, e.ContentType)
			assert.Equal(t, tt.wantRetry, e.RetryAfter, tt.reason)
		})
	}

	t.Run("Retry-After date", func(t *testing.T) {
		t.Parallel()
		resp := response(503, "application/json", bytes.NewReader(golden))
		resp.Header.Set("Retry-After", future)
		e := ParseError(resp)
		assert.Empty(t, e.Problems)
		assert.InDelta(t, float64(time.Hour), float64(e.RetryAfter), float64(time.Minute), "an HTTP-date an hour ahead")
	})
	t.Run("nil response", func(t *testing.T) {
		t.Parallel()
		e := ParseError(nil)
		assert.Equal(t, []string{"empty-body"}, kinds(e.Problems))
		assert.Equal(t, 0, e.HTTPStatus)
		assert.NotPanics(t, func() { _ = e.Error() })
	})
	t.Run("the read error is in the detail", func(t *testing.T) {
		t.Parallel()
		e := ParseError(response(503, "application/json", io.MultiReader(strings.NewReader(`{"a`), iotest.ErrReader(errors.New("connection reset by peer")))))
		p, ok := e.first(ProblemTruncated)
		require.True(t, ok)
		assert.Contains(t, p.Detail, "after 3 bytes")
		assert.Contains(t, p.Detail, "connection reset by peer")
	})
}

func TestAPIErrorError(t *testing.T) {
	t.Parallel()
	var nilErr *APIError
	assert.NotPanics(t, func() { _ = nilErr.Error() })
	assert.Equal(t, "sinch: <nil>", nilErr.Error())
	assert.Equal(t, "sinch", (&APIError{}).Error())

	full := &APIError{HTTPStatus: 404, Code: 40400, Type: "ResourceNotFound", Message: "Requested resource not found", Reference: "ab12"}
	assert.Equal(t, "sinch: HTTP 404: errorCode 40400 (ResourceNotFound): Requested resource not found [reference ab12]", full.Error())

	html := ParseError(response(502, "text/html", strings.NewReader("<html>Bad Gateway</html>")))
	assert.Equal(t, `sinch: HTTP 502: not JSON: starts with "<html>Bad Gateway</html>"`, html.Error(), "says what came back instead")
}

func TestAPIErrorAs(t *testing.T) {
	t.Parallel()
	golden, ok := fixtures.Golden(40005)
	require.True(t, ok)
	err := fmt.Errorf("start verification: %w", ParseError(response(400, "application/json", bytes.NewReader(golden))))
	err = fmt.Errorf("run: %w", err)

	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "through two %%w wraps")
	assert.Equal(t, 40005, apiErr.Code)
	assert.Equal(t, 400, apiErr.HTTPStatus)
	assert.Contains(t, err.Error(), "errorCode 40005")

	spec, ok := apiErr.Match(DefaultCatalog())
	require.True(t, ok)
	assert.Equal(t, "400 NumberMissingLeadingPlus", spec.Status)
}

func TestAPIErrorMatch(t *testing.T) {
	t.Parallel()
	c := DefaultCatalog()
	for _, tt := range []struct {
		name   string
		code   int
		found  bool
		reason string
	}{
		{"documented", 40303, true, "facts.md section 1"},
		{"erratum 1 example", 40002, true, "40002 is documented, though not for this heading"},
		{"erratum 3 example", 50500, false, "50500 is not documented"},
		{"none", 0, false, "no code"},
	} {
		spec, ok := (&APIError{Code: tt.code}).Match(c)
		assert.Equal(t, tt.found, ok, "%s: %s", tt.name, tt.reason)
		if ok {
			assert.Equal(t, tt.code, spec.Code)
		}
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		e      APIError
		want   bool
		reason string
	}{
		{"400", APIError{HTTPStatus: 400}, false, "a request defect does not go away"},
		{"401", APIError{HTTPStatus: 401}, false, "credentials do not fix themselves"},
		{"404", APIError{HTTPStatus: 404}, false, "not found stays not found"},
		{"409", APIError{HTTPStatus: 409}, false, "the reference stays defined"},
		{"422", APIError{HTTPStatus: 422}, false, "configuration, not load"},
		{"429", APIError{HTTPStatus: 429}, true, `42900/42901: "too many requests"`},
		{"500", APIError{HTTPStatus: 500}, true, `"Try the request a little later"`},
		{"503", APIError{HTTPStatus: 503}, true, `"Try the request a little later"`},
		{"HTTP status wins over the body", APIError{HTTPStatus: 400, StatusCode: 503, Code: 50300}, false, "the response line is what happened"},
		{"body status string", APIError{StatusCode: 429, Code: 40001}, true, "no response: the status string"},
		{"body code only", APIError{Code: 50000}, true, "no status string: the code's first three digits"},
		{"body code 4xx", APIError{Code: 42901}, true, "429 from the code"},
		{"body code 40303 with status 401", APIError{StatusCode: 401, Code: 40303}, false, "erratum 2: either way not retryable"},
		{"body 50300 example", APIError{StatusCode: 503, Code: 50500}, true, "erratum 3: 5xx either way"},
		{"nothing known", APIError{}, false, "no status at all"},
		{"code not five digits", APIError{Code: 500}, false, "500 is not an error code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			assert.Equal(t, tt.want, tt.e.Retryable(), tt.reason)
		})
	}
	t.Run("from the bodies alone", func(t *testing.T) {
		t.Parallel()
		for _, s := range DefaultCatalog().Errors {
			golden, _ := fixtures.Golden(s.Code)
			e := ParseErrorBody(golden)
			assert.Equal(t, s.HTTPStatus == 429 || s.HTTPStatus >= 500, e.Retryable(), "%d", s.Code)
		}
	})
}

// TestParseErrorBodyFastPath pins that the typical bodies take the fast path
// (the benchmark measures it) and that it finds exactly what the general
// path finds.
func TestParseErrorBodyFastPath(t *testing.T) {
	t.Parallel()
	for _, s := range DefaultCatalog().Errors {
		golden, _ := fixtures.Golden(s.Code)
		for _, body := range [][]byte{golden, s.Example} {
			var f bodyFields
			assert.True(t, f.scanFlat(bytes.TrimSpace(body)), "%d: %s", s.Code, body)
			assertSameAsGeneralPath(t, body)
		}
	}
	for _, body := range []string{
		`{}`, ` { "status" : "400 X" , "errorCode" : -0 , "message" : "" } `, `{"errorCode":0}`, `{"errorCode":1E+2}`,
		`{"a":1,"a":2}`, `{"errorCode":01}`, `{"errorCode":1.}`, `{"errorCode":-}`, `{"errorCode":1e}`, `{"x":"\u00e9"}`,
		"{\"x\":\"\x7f\"}", "{\"x\":\"\x01\"}", `{"x":1,}`, `{,}`, `{"x"}`, `{"x":}`, `{"x":1 "y":2}`, `{"x":1}}`, `{"x":"a`,
		`{"status":"400 X","errorCode":40001,"message":"m","reference":null}`, `{"é":1}`, `{"\u0073tatus":"400 X"}`,
	} {
		assertSameAsGeneralPath(t, []byte(body))
	}
}

// TestParseErrorBodyFastPathProperty compares the two paths on generated
// bodies: flat objects of every shape the fast path accepts, and near
// misses it must hand to the general path.
func TestParseErrorBodyFastPathProperty(t *testing.T) {
	t.Parallel()
	space := rapid.SampledFrom([]string{"", "", " ", "\n  ", "\t", "\r\n"})
	key := rapid.OneOf(
		rapid.SampledFrom([]string{`"status"`, `"errorCode"`, `"message"`, `"reference"`, `"traceId"`, `"Status"`, `""`, `"st\u0061tus"`, `"é"`, `"a b"`}),
		rapid.Map(rapid.StringOf(rapid.RuneFrom(nil, unicode.ASCII_Hex_Digit, unicode.L)), strconv.Quote),
	)
	value := rapid.OneOf(
		rapid.SampledFrom([]string{`"400 ParameterValidation"`, `"40001"`, `40001`, `40001.0`, `4.0001e4`, `-1`, `-0`, `0`, `1E+2`, `null`, `true`, `{}`, `[1]`, `""`, `"\u00e9"`, `"a\"b"`}),
		rapid.Map(rapid.Int64(), func(n int64) string { return strconv.FormatInt(n, 10) }),
		rapid.Map(rapid.Float64(), func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }),
		rapid.Map(rapid.String(), func(s string) string { b, _ := json.Marshal(s); return string(b) }),
		rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return `"` + string(b) + `"` }),
	)
	body := rapid.Custom(func(t *rapid.T) []byte {
		var b strings.Builder
		b.WriteString(space.Draw(t, "lead") + "{")
		n := rapid.IntRange(0, 6).Draw(t, "fields")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(space.Draw(t, "ws") + key.Draw(t, "key") + space.Draw(t, "ws") + ":" + space.Draw(t, "ws") + value.Draw(t, "value") + space.Draw(t, "ws"))
		}
		b.WriteString("}" + space.Draw(t, "trail"))
		out := []byte(b.String())
		if rapid.Bool().Draw(t, "mutate") && len(out) > 0 {
			i := rapid.IntRange(0, len(out)-1).Draw(t, "at")
			switch rapid.IntRange(0, 2).Draw(t, "how") {
			case 0:
				out = append(out[:i], out[i+1:]...)
			case 1:
				out[i] = rapid.Byte().Draw(t, "byte")
			case 2:
				out = append(out[:i], append([]byte{rapid.Byte().Draw(t, "byte")}, out[i:]...)...)
			}
		}
		return out
	})
	rapid.Check(t, func(t *rapid.T) {
		for _, b := range rapid.SliceOfN(body, 20, 20).Draw(t, "bodies") {
			assertSameAsGeneralPath(t, b)
		}
	})
}

// assertSameAsGeneralPath checks ParseErrorBody against the general path
// alone (decodeFields then fill), for a body under the size cap.
func assertSameAsGeneralPath(t require.TestingT, body []byte) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	want := &APIError{Raw: body}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return
	}
	var f bodyFields
	if want.decodeFields(trimmed, &f) {
		want.fill(&f)
	}
	var fast bodyFields
	if fast.scanFlat(trimmed) {
		require.Equal(t, f, fast, "fast path fields for %q", body)
	}
	require.Equal(t, want, ParseErrorBody(body), "ParseErrorBody(%q)", body)
}
