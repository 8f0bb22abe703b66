package contracts_test

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// answer is an error answer as ParseError sees it: an HTTP status, JSON
// Content-Type and body.
func answer(status int, body []byte) *contracts.APIError {
	return contracts.ParseError(&http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
	})
}

func problemKinds(ps []contracts.Problem) []contracts.ProblemKind {
	out := []contracts.ProblemKind{}
	for _, p := range ps {
		out = append(out, p.Kind)
	}
	return out
}

// TestValidateGolden: every golden body, sent with its documented HTTP
// status, is exactly what the documentation owes.
func TestValidateGolden(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	for _, s := range c.Errors() {
		golden, ok := fixtures.Golden(s.Code)
		require.True(t, ok)
		assert.Empty(t, c.Validate(answer(s.HTTPStatus, golden)), "%d", s.Code)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	example := func(code int) []byte {
		s, ok := c.Lookup(code)
		require.True(t, ok)
		return s.Example
	}
	golden := func(code int) []byte {
		b, ok := fixtures.Golden(code)
		require.True(t, ok)
		return b
	}
	K := func(ks ...contracts.ProblemKind) []contracts.ProblemKind { return ks }
	tests := []struct {
		name   string
		status int
		body   []byte
		want   []contracts.ProblemKind
		reason string
	}{
		{
			"40005 example", 400, example(40005),
			K(contracts.ProblemCatalogStatus, contracts.ProblemMessage),
			"erratum 1: errorCode 40002 with 40005's status and message: as 40002, both are another code's",
		},
		{
			"40303 example", 403, example(40303),
			K(contracts.ProblemStatusMismatch, contracts.ProblemCatalogStatus),
			`erratum 2: "401 RestrictedAction" on a 403, and not the catalog's "403 RestrictedAction"`,
		},
		{
			"40303 example sent as 401", 401, example(40303),
			K(contracts.ProblemCodeMismatch, contracts.ProblemCatalogStatus, contracts.ProblemCatalogHTTP),
			"erratum 2, the other way: the HTTP status follows the example",
		},
		{
			"50300 example", 503, example(50300),
			K(contracts.ProblemCodeMismatch, contracts.ProblemUnknownCode),
			"erratum 3: 50500 does not start with 503 and is not documented",
		},
		{
			"42200 sent as 420", 420, golden(42200),
			K(contracts.ProblemStatusMismatch, contracts.ProblemCodeMismatch, contracts.ProblemCatalogHTTP),
			"erratum 4: the section heading says 420",
		},
		{
			"code as string", 400, []byte(`{"status":"400 ParameterValidation","errorCode":"40001","message":"Supplied SMS code invalid format"}`),
			K(contracts.ProblemCodeAsString),
			"erratum 5: the field table says string; oracle policy decides",
		},
		{
			"newest page's invalid number", 400, []byte(`{"errorCode": 40001, "message": "Number +4813 is invalid. Too short."}`),
			K(contracts.ProblemMissingField, contracts.ProblemMessage),
			"erratum 10: no status field, and a message this page does not document",
		},
		{
			"TimestampHeader type", 401, []byte(`{"status":"401 TimestampHeader","errorCode":40101,"message":"X-Timestamp required"}`),
			K(contracts.ProblemCatalogStatus),
			"erratum 12: the SDKs' name for 40101's type",
		},
		{
			"undocumented message", 400, []byte(`{"status":"400 MissingParameter","errorCode":40002,"message":"Identity parameter is missing."}`),
			K(contracts.ProblemMessage),
			"40002 names the parameter: a note for the oracle",
		},
		{
			"joined message", 400, golden(40001), nil,
			`the published " / "-joined form is documented`,
		},
		{
			"one of the messages", 403, []byte(`{"status":"403 ForbiddenRequest","errorCode":40300,"message":"Seamless not available"}`), nil,
			"either documented alternative",
		},
		{
			"2xx status", 200, golden(40001),
			K(contracts.ProblemSuccessStatus, contracts.ProblemStatusMismatch, contracts.ProblemCodeMismatch, contracts.ProblemCatalogHTTP),
			"facts.md section 1: any 2xx is success; an error body with it is a contradiction",
		},
		{
			"3xx status", 302, golden(40400),
			K(contracts.ProblemSuccessStatus, contracts.ProblemStatusMismatch, contracts.ProblemCodeMismatch, contracts.ProblemCatalogHTTP),
			"facts.md section 3: redirects are not errors",
		},
		{
			"undocumented code", 400, []byte(`{"status":"400 InvalidAuthorizationKey","errorCode":40004,"message":"Invalid application key"}`),
			K(contracts.ProblemUnknownCode),
			"facts.md section 3: SDK-only codes are not on the errors page",
		},
		{
			"errorCode 0", 400, []byte(`{"status":"400 ParameterValidation","errorCode":0,"message":"Supplied SMS code invalid format"}`),
			K(contracts.ProblemUnknownCode),
			"0 is not a documented code; it must not pass as no code at all",
		},
		{
			"errorCode absent", 400, []byte(`{"status":"400 ParameterValidation","message":"Supplied SMS code invalid format"}`),
			K(contracts.ProblemMissingField),
			"recorded once, as missing",
		},
		{
			"HTML page", 502, []byte("<html><body>502 Bad Gateway</body></html>"),
			K(contracts.ProblemNotJSON),
			"a gateway page: nothing to judge against the catalog",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			e := answer(tt.status, tt.body)
			before := slices.Clone(e.Problems)
			got := c.Validate(e)
			want := append([]contracts.ProblemKind{}, tt.want...)
			assert.Equal(t, want, problemKinds(got), tt.reason)
			assert.Equal(t, before, e.Problems, "Validate never modifies e")
			for _, p := range got {
				assert.NotEmpty(t, p.Detail)
			}
		})
	}
}

// TestValidateFromBytes: without a response, only what the body says can
// be judged.
func TestValidateFromBytes(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	for _, code := range []int{40005, 40303, 50300} {
		s, ok := c.Lookup(code)
		require.True(t, ok)
		e := contracts.ParseErrorBody(s.Example)
		got := problemKinds(c.Validate(e))
		assert.NotContains(t, got, contracts.ProblemStatusMismatch, strconv.Itoa(code))
		assert.NotContains(t, got, contracts.ProblemCatalogHTTP, strconv.Itoa(code))
	}
}

func TestSpecDocuments(t *testing.T) {
	t.Parallel()
	s, ok := contracts.DefaultCatalog().Lookup(40001)
	require.True(t, ok)
	assert.True(t, s.Documents("Supplied SMS code invalid format"))
	assert.True(t, s.Documents("The SMS code is not valid. Maximum 10 characters. Valid characters: A-Z, a-z, 0-9, '-'"))
	assert.True(t, s.Documents(s.Messages[0]+" / "+s.Messages[1]), "the published example joins them")
	assert.False(t, s.Documents("supplied sms code invalid format"), "exact text")
	assert.False(t, s.Documents(""))
}
