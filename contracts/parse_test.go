package contracts

// These tests are in package contracts, not contracts_test, for one reason:
// TestParseErrorBodyFastPath compares the fast path of ParseErrorBody with
// the general one, which only the package can call.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	for _, s := range DefaultCatalog().Errors() {
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
