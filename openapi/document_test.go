package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

func TestDefault(t *testing.T) {
	t.Parallel()
	o := Default()
	require.NotNil(t, o)
	assert.Same(t, o, Default(), "loaded once")

	var got []string
	for _, op := range o.ops {
		got = append(got, op.Method+" "+op.Path+" "+op.OperationID)
	}
	assert.Equal(t, []string{
		"POST /verification/v1/verifications StartVerification",
		"GET /verification/v1/verifications/id/{id} VerificationStatusById",
		"PUT /verification/v1/verifications/id/{id} ReportVerificationById",
		"PUT /verification/v1/verifications/number/{endpoint} ReportVerificationByIdentity",
		"GET /verification/v1/verifications/reference/{reference} VerificationStatusByReference",
		"GET /verification/v1/verifications/{method}/number/{endpoint} VerificationStatusByIdentity",
	}, got, "facts.md section 3, sorted by path then method")
}

// TestCatalogAgreement pins that the document and the catalog tell the
// same story: every documented code is an example under its HTTP status
// somewhere, and every example is a catalog code under its own status whose
// body is the golden one.
func TestCatalogAgreement(t *testing.T) {
	t.Parallel()
	o := Default()
	cat := contracts.DefaultCatalog()

	where := map[int][]string{} // code -> operations that list it under its status
	for _, op := range o.ops {
		for _, status := range op.ErrorStatuses {
			assert.GreaterOrEqual(t, status, 400, "%s %s", op.Method, op.Path)
		}
		for status, codes := range op.ErrorExamples {
			assert.Contains(t, op.ErrorStatuses, status, "%s %s: examples under an unlisted status", op.Method, op.Path)
			for _, code := range codes {
				spec, ok := cat.Lookup(code)
				if !assert.True(t, ok, "%s %s %d: example e%d is not a catalog code", op.Method, op.Path, status, code) {
					continue
				}
				assert.Equal(t, spec.HTTPStatus, status, "%s %s: e%d is under %d, the catalog says %d", op.Method, op.Path, code, status, spec.HTTPStatus)
				golden, ok := fixtures.Golden(code)
				require.True(t, ok, "no golden body for %d", code)
				body, ok := o.exampleBody(op.Method, op.Path, status, code)
				require.True(t, ok)
				assert.JSONEq(t, string(golden), string(body), "%s %s %d e%d", op.Method, op.Path, status, code)
				assert.Equal(t, normalJSON(t, golden), normalJSON(t, body), "%s %s %d e%d", op.Method, op.Path, status, code)
				if status == spec.HTTPStatus {
					where[code] = append(where[code], op.Method+" "+op.Path)
				}
			}
		}
	}
	require.Len(t, cat.Errors(), 21)
	for _, spec := range cat.Errors() {
		assert.NotEmpty(t, where[spec.Code], "catalog code %d (HTTP %d) is not an example in any operation", spec.Code, spec.HTTPStatus)
	}
}

// normalJSON re-encodes a JSON document with sorted keys and no spaces.
func normalJSON(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v), "%s", b)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// TestSchemaAcceptsDocumentedBodies: the schema is loose on numbers and on
// the status type, so every golden body and every published example passes,
// errata included: erratum 1 (40005's example sends errorCode 40002),
// erratum 2 ("401 RestrictedAction" in the 403 section) and erratum 3 (50500
// under 50300) are shapes the schema allows; which code goes with which
// status is the oracle's business, not the schema's.
func TestSchemaAcceptsDocumentedBodies(t *testing.T) {
	t.Parallel()
	o := Default()
	for _, spec := range contracts.DefaultCatalog().Errors() {
		golden, ok := fixtures.Golden(spec.Code)
		require.True(t, ok, "no golden body for %d", spec.Code)
		assert.Nil(t, o.ValidateErrorBody(golden), "golden %d: %s", spec.Code, golden)
		assert.Nil(t, o.ValidateErrorBody(spec.Example), "published example of %d: %s", spec.Code, spec.Example)
		assert.Nil(t, o.ValidateErrorBody(spec.Body("")), "Spec.Body of %d", spec.Code)
	}
	for _, tc := range []struct {
		name, reason, body string
	}{
		{"no status", "the newest errors page drops status (erratum 10)", `{"errorCode": 40001, "message": "Number +4813 is invalid. Too short."}`},
		{"reference", "the optional support reference", `{"status": "404 ResourceNotFound", "errorCode": 40400, "message": "Requested resource not found", "reference": "abc-123"}`},
		{"unknown field", "additionalProperties is allowed: the parser keeps unknown fields out of the way", `{"errorCode": 50000, "message": "x", "traceId": "t"}`},
		{"unknown code", "the schema does not know the catalog", `{"errorCode": 40004, "message": "Invalid application key"}`},
		{"exponent", "1e4 is an integer in JSON Schema", `{"errorCode": 4.0001e4, "message": "x"}`},
		{"whitespace", "surrounding whitespace is not data", " \n{\"errorCode\": 40001, \"message\": \"x\"}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Nil(t, o.ValidateErrorBody([]byte(tc.body)), tc.reason)
		})
	}
}

func TestSchemaRejectsInvalidBodies(t *testing.T) {
	t.Parallel()
	o := Default()
	for _, tc := range []struct {
		name, reason, body string
		want               []contracts.Problem // Detail holds a prefix of the detail
	}{
		{
			name: "errorCode object", reason: "errorCode is an integer",
			body: `{"errorCode": {}, "message": "x"}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "errorCode", Detail: "type: got object, want integer"}},
		},
		{
			name: "errorCode string", reason: "erratum 5: the field table says string, the schema follows the examples",
			body: `{"errorCode": "40001", "message": "x"}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "errorCode", Detail: "type: got string, want integer"}},
		},
		{
			name: "errorCode fraction", reason: "an error code is a whole number",
			body: `{"errorCode": 40001.5, "message": "x"}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "errorCode", Detail: "type: got number, want integer"}},
		},
		{
			name: "message missing", reason: "message is required",
			body: `{"status": "400 InvalidRequest", "errorCode": 40003}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "message", Detail: "required: missing"}},
		},
		{
			name: "message empty", reason: "message has minLength 1",
			body: `{"errorCode": 40003, "message": ""}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "message", Detail: "minLength: got 0, want 1"}},
		},
		{
			name: "status foo", reason: `status is "CODE Type"`,
			body: `{"status": "foo", "errorCode": 40003, "message": "x"}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "status", Detail: "pattern: "}},
		},
		{
			name: "status number", reason: "status is a string",
			body: `{"status": 400, "errorCode": 40003, "message": "x"}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "status", Detail: "type: got number, want string"}},
		},
		{
			name: "reference number", reason: "reference is a string",
			body: `{"errorCode": 40003, "message": "x", "reference": 7}`,
			want: []contracts.Problem{{Kind: ProblemSchema, Field: "reference", Detail: "type: got number, want string"}},
		},
		{
			name: "empty object", reason: "both required fields are named, sorted",
			body: `{}`,
			want: []contracts.Problem{
				{Kind: ProblemSchema, Field: "errorCode", Detail: "required: missing"},
				{Kind: ProblemSchema, Field: "message", Detail: "required: missing"},
			},
		},
		{
			name: "two fields wrong", reason: "every failure is reported, sorted by field",
			body: `{"status": "nope", "errorCode": true, "message": "x"}`,
			want: []contracts.Problem{
				{Kind: ProblemSchema, Field: "errorCode", Detail: "type: got boolean, want integer"},
				{Kind: ProblemSchema, Field: "status", Detail: "pattern: "},
			},
		},
		{
			name: "JSON array", reason: "the body is an object",
			body: `[{"errorCode": 40003, "message": "x"}]`,
			want: []contracts.Problem{{Kind: ProblemSchema, Detail: "type: got array, want object"}},
		},
		{
			name: "JSON null", reason: "the validator skips a nil document; we do not",
			body: `null`,
			want: []contracts.Problem{{Kind: ProblemSchema, Detail: "type: got null, want object"}},
		},
		{
			name: "JSON string", reason: "the body is an object",
			body: `"Service Unavailable"`,
			want: []contracts.Problem{{Kind: ProblemSchema, Detail: "type: got string, want object"}},
		},
		{
			name: "non-JSON", reason: "a gateway's HTML page",
			body: `<html><body>502 Bad Gateway</body></html>`,
			want: []contracts.Problem{{Kind: contracts.ProblemNotJSON, Detail: "not JSON: "}},
		},
		{
			name: "trailing data", reason: "two documents are not one body",
			body: `{"errorCode": 40003, "message": "x"} {}`,
			want: []contracts.Problem{{Kind: contracts.ProblemNotJSON, Detail: "not JSON: trailing data"}},
		},
		{
			name: "cut short", reason: "a body cut in the middle",
			body: `{"errorCode": 40003, "mess`,
			want: []contracts.Problem{{Kind: contracts.ProblemNotJSON, Detail: "not JSON: "}},
		},
		{
			name: "empty", reason: "no bytes at all",
			body: ``,
			want: []contracts.Problem{{Kind: contracts.ProblemEmptyBody, Detail: "the body is empty"}},
		},
		{
			name: "blank", reason: "whitespace only",
			body: " \r\n\t",
			want: []contracts.Problem{{Kind: contracts.ProblemEmptyBody, Detail: "the body is empty"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := o.ValidateErrorBody([]byte(tc.body))
			require.Len(t, got, len(tc.want), "%s: %v", tc.reason, got)
			for i, w := range tc.want {
				assert.Equal(t, w.Kind, got[i].Kind, tc.reason)
				assert.Equal(t, w.Field, got[i].Field, tc.reason)
				assert.True(t, strings.HasPrefix(got[i].Detail, w.Detail), "%s: detail %q, want prefix %q", tc.reason, got[i].Detail, w.Detail)
			}
		})
	}
}

func TestSchemaTruncatesLongBodies(t *testing.T) {
	t.Parallel()
	o := Default()
	valid := []byte(`{"errorCode": 40003, "message": "x"}`)

	t.Run("valid prefix", func(t *testing.T) {
		t.Parallel()
		// The cut falls in trailing whitespace: what was validated is valid,
		// and the cut is still recorded.
		body := append(bytes.Clone(valid), bytes.Repeat([]byte(" "), contracts.MaxErrorBodySize)...)
		got := o.ValidateErrorBody(body)
		require.Len(t, got, 1, "%v", got)
		assert.Equal(t, contracts.ProblemTruncated, got[0].Kind)
	})
	t.Run("cut inside the object", func(t *testing.T) {
		t.Parallel()
		body := []byte(`{"errorCode": 40003, "message": "` + strings.Repeat("x", contracts.MaxErrorBodySize) + `"}`)
		got := o.ValidateErrorBody(body)
		require.Len(t, got, 2, "%v", got)
		assert.Equal(t, contracts.ProblemTruncated, got[0].Kind)
		assert.Equal(t, contracts.ProblemNotJSON, got[1].Kind)
	})
	t.Run("at the limit", func(t *testing.T) {
		t.Parallel()
		body := append(bytes.Clone(valid), bytes.Repeat([]byte(" "), contracts.MaxErrorBodySize-len(valid))...)
		require.Len(t, body, contracts.MaxErrorBodySize)
		assert.Nil(t, o.ValidateErrorBody(body), "exactly contracts.MaxErrorBodySize bytes is not truncated")
	})
}

func TestLoadMalformed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, reason string
		data               []byte // used when file is empty
		wantErr            string
	}{
		{name: "empty", data: nil, reason: "no bytes", wantErr: "openapi document: empty"},
		{name: "blank", data: []byte("  \n\t\n"), reason: "whitespace only", wantErr: "openapi document: empty"},
		{name: "not YAML", file: "not-yaml.yaml", reason: "an unclosed flow mapping", wantErr: "not a readable OpenAPI 3 document"},
		{name: "binary", data: []byte{0xff, 0xfe, 0x00, 0x01, '{'}, reason: "not text at all", wantErr: "not a readable OpenAPI 3 document"},
		{name: "not OpenAPI", file: "not-openapi.yaml", reason: "YAML without an openapi field", wantErr: "not a readable OpenAPI 3 document"},
		{name: "YAML list", data: []byte("- a\n- b\n"), reason: "the root is not a mapping", wantErr: "not a readable OpenAPI 3 document"},
		{name: "swagger 2.0", file: "swagger2.yaml", reason: "vcheck reads OpenAPI 3 only", wantErr: "swagger 2.0 document"},
		{name: "invalid OpenAPI", file: "invalid-openapi.yaml", reason: "fails the OpenAPI 3.1 schema, and the error says where", wantErr: "at $.info: missing property 'version'"},
		{name: "unresolved ref", file: "unresolved-ref.yaml", reason: "libopenapi cannot build the model", wantErr: "building the model"},
		{name: "no Error schema", file: "no-error-schema.yaml", reason: "the schema every error body must match", wantErr: "no components/schemas/Error"},
		{name: "Error schema does not compile", file: "bad-pattern.yaml", reason: "a pattern that is not a regular expression", wantErr: "components/schemas/Error: "},
		{name: "example name", file: "bad-example-name.yaml", reason: "error examples are named e + code", wantErr: `example "missingPlus"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := tc.data
			if tc.file != "" {
				var err error
				data, err = os.ReadFile(filepath.Join("testdata", tc.file))
				require.NoError(t, err)
			}
			var o *Document
			var err error
			require.NotPanics(t, func() { o, err = Load(data) }, tc.reason)
			require.Error(t, err, tc.reason)
			assert.Nil(t, o)
			assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
			assert.True(t, strings.HasPrefix(err.Error(), "openapi document: "), "%q", err)
			assert.False(t, strings.HasSuffix(err.Error(), "."), "no trailing period: %q", err)
		})
	}
}

func TestLoadMinimal30(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "minimal-3.0.yaml"))
	require.NoError(t, err)
	o, err := Load(data)
	require.NoError(t, err, "an OpenAPI 3.0 document loads too, and a stricter Error schema is no load error")
	assert.Empty(t, o.ops)
	assert.Nil(t, o.ValidateErrorBody([]byte(`{"status": "400 InvalidRequest", "errorCode": 40003, "message": "x"}`)))
	got := o.ValidateErrorBody([]byte(`{"errorCode": "40001", "message": "x"}`))
	assert.Equal(t, []contracts.Problem{
		{Kind: ProblemSchema, Field: "errorCode", Detail: "type: got string, want integer"},
		{Kind: ProblemSchema, Field: "status", Detail: "required: missing"},
	}, got, "the document's own schema is the one applied")
}

// TestSchemaConcurrentValidation calls ValidateErrorBody from many goroutines
// at once (the oracle does); run it with -race.
func TestSchemaConcurrentValidation(t *testing.T) {
	t.Parallel()
	o := Default()
	bodies := [][]byte{
		[]byte(`{"status": "400 InvalidRequest", "errorCode": 40003, "message": "Phone number invalid"}`),
		[]byte(`{"errorCode": "40003", "message": ""}`),
		[]byte(`[1, 2]`),
		[]byte(`null`),
		[]byte(`<html>`),
		[]byte(`{"status": "foo", "errorCode": {}}`),
	}
	want := make([][]contracts.Problem, len(bodies))
	for i, b := range bodies {
		want[i] = o.ValidateErrorBody(b)
	}
	const goroutines, rounds = 16, 25
	var wg sync.WaitGroup
	errs := make(chan string, goroutines*rounds*len(bodies))
	for g := range goroutines {
		wg.Go(func() {
			for r := range rounds {
				i := (g + r) % len(bodies)
				if got := o.ValidateErrorBody(bodies[i]); fmt.Sprint(got) != fmt.Sprint(want[i]) {
					errs <- fmt.Sprintf("goroutine %d body %d: got %v, want %v", g, i, got, want[i])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkValidateErrorBody(b *testing.B) {
	o := Default()
	valid, _ := fixtures.Golden(40005)
	invalid := []byte(`{"status": "foo", "errorCode": "40005", "message": ""}`)
	for _, bc := range []struct {
		name string
		body []byte
	}{
		{"valid", valid},
		{"invalid", invalid},
		{"not-json", []byte(`<html><body>502 Bad Gateway</body></html>`)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				o.ValidateErrorBody(bc.body)
			}
		})
	}
	b.Run("valid-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o.ValidateErrorBody(valid)
			}
		})
	})
}

func BenchmarkLoad(b *testing.B) {
	data := fixtures.OpenAPI()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}
