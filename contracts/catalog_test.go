package contracts_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// documented is the table of facts.md section 1 (the errors page): code,
// HTTP status and status string of the 21 documented codes, in page order.
var documented = []struct {
	code   int
	http   int
	status string
}{
	{40001, 400, "400 ParameterValidation"},
	{40002, 400, "400 MissingParameter"},
	{40003, 400, "400 InvalidRequest"},
	{40005, 400, "400 NumberMissingLeadingPlus"},
	{40100, 401, "401 AuthorizationHeader"},
	{40101, 401, "401 AuthorizationHeader"},
	{40102, 401, "401 InvalidSignature"},
	{40104, 401, "401 AuthorizationRequired"},
	{40107, 401, "401 InvalidAuthorization"},
	{40200, 402, "402 PaymentRequired"},
	{40300, 403, "403 ForbiddenRequest"},
	{40303, 403, "403 RestrictedAction"},
	{40400, 404, "404 ResourceNotFound"},
	{40900, 409, "409 RequestConflict"},
	{42200, 422, "422 ApplicationConfiguration"},
	{42201, 422, "422 Unavailable"},
	{42900, 429, "429 CapacityExceeded"},
	{42901, 429, "429 VelocityConstraint"},
	{50000, 500, "500 InternalError"},
	{50300, 503, "503 TemporaryDown"},
	{50301, 503, "503 ConfigurationError"},
}

func TestDefaultCatalog(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	require.NotNil(t, c)
	assert.Same(t, c, contracts.DefaultCatalog(), "loaded once")
	require.Len(t, c.Errors(), 21, "facts.md section 1: 21 documented codes")

	var want []int
	for _, d := range documented {
		want = append(want, d.code)
	}
	assert.Equal(t, want, c.Codes(), "page order")
	for _, d := range documented {
		s, ok := c.Lookup(d.code)
		if !assert.True(t, ok, "Lookup(%d)", d.code) {
			continue
		}
		assert.Equal(t, d.code, s.Code)
		assert.Equal(t, d.http, s.HTTPStatus, "%d", d.code)
		assert.Equal(t, d.status, s.Status, "%d", d.code)
		assert.NotEmpty(t, s.Messages, "%d", d.code)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	tests := []struct {
		name   string
		code   int
		found  bool
		reason string
	}{
		{"documented", 40005, true, "facts.md section 1"},
		{"erratum-1 example code", 40002, true, "40002 is documented in its own right"},
		{"erratum-3 example code", 50500, false, "erratum 3: 50500 appears only in the 50300 example"},
		{"mobile SDK code", 40004, false, "facts.md section 3: SDK-only codes are not on the errors page"},
		{"zero", 0, false, "no code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			s, ok := c.Lookup(tt.code)
			assert.Equal(t, tt.found, ok, tt.reason)
			if tt.found {
				assert.Equal(t, tt.code, s.Code)
			} else {
				assert.Equal(t, contracts.Spec{}, s)
			}
		})
	}
}

func TestByMagic(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	magic := 0
	for _, s := range c.Errors() {
		if s.Magic == "" {
			assert.True(t, s.Trigger.Triggerable(), "%d: account and server errors need a magic value (design.md)", s.Code)
			continue
		}
		magic++
		got, ok := c.ByMagic(s.Magic)
		require.True(t, ok, "ByMagic(%s)", s.Magic)
		assert.Equal(t, s.Code, got.Code)
	}
	assert.Equal(t, 9, magic, "40200 40300 40303 42200 42201 42900 50000 50300 50301")

	s, ok := c.ByMagic("+447700900402")
	require.True(t, ok)
	assert.Equal(t, 40200, s.Code)
	for _, n := range []string{"", "+46700000000", "447700900402"} {
		_, ok := c.ByMagic(n)
		assert.False(t, ok, "ByMagic(%q)", n)
	}
}

// TestSpecBodyIsGolden pins that the canonical body the mock sends is the
// golden file, byte for byte, for every documented code.
func TestSpecBodyIsGolden(t *testing.T) {
	t.Parallel()
	for _, s := range contracts.DefaultCatalog().Errors() {
		golden, ok := fixtures.Golden(s.Code)
		require.True(t, ok, "fixtures/golden/%d.json", s.Code)
		assert.Equal(t, string(golden), string(s.Body("")), "%d", s.Code)
	}
	_, ok := fixtures.Golden(50500)
	assert.False(t, ok, "no golden body for an undocumented code")
}

func TestSpecBodyMessage(t *testing.T) {
	t.Parallel()
	s, ok := contracts.DefaultCatalog().Lookup(40002)
	require.True(t, ok)
	assert.JSONEq(t, `{"status":"400 MissingParameter","errorCode":40002,"message":"Identity parameter is missing."}`,
		string(s.Body("Identity parameter is missing.")), "40002 names the missing parameter")
}

func TestErratumLookup(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	for id := 1; id <= 13; id++ {
		e, ok := c.Erratum(id)
		if assert.True(t, ok, "erratum %d (facts.md)", id) {
			assert.Equal(t, id, e.ID)
		}
	}
	_, ok := c.Erratum(14)
	assert.False(t, ok)
}

func TestLoadCatalogMinimal(t *testing.T) {
	t.Parallel()
	c, err := contracts.LoadCatalogFile(filepath.Join("testdata", "catalogs", "minimal.json"))
	require.NoError(t, err, "the base of every bad catalog must itself be valid")
	assert.Equal(t, []int{40001, 40200}, c.Codes())
}

// TestLoadCatalogBad loads each bad catalog in testdata/catalogs: each
// differs from minimal.json in one place, and the error names the entry and
// the field.
func TestLoadCatalogBad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		entry   string
		field   string
		problem string // a fragment of the problem
		reason  string
	}{
		{"duplicate-code", "errors[1] (code 40001)", "code", "duplicate", "one entry per code"},
		{"status-number-mismatch", "errors[0] (code 40001)", "status", `says 401, http_status is 400`, "the status string's number is the HTTP status"},
		{"status-type-mismatch", "errors[0] (code 40001)", "status", `type "MissingParameter"`, "the status string's type is the type"},
		{"status-not-code-and-type", "errors[0] (code 40001)", "status", "CODE Type", `status is "CODE Type" (facts.md section 1)`},
		{"code-not-http-status", "errors[0] (code 40001)", "code", "first three digits", `"The first three digits are the same as the HTTP Status Code" (facts.md section 3)`},
		{"code-not-five-digits", "errors[0] (code 4001)", "code", "five digits", `"An error code contains five digits" (facts.md section 3)`},
		{"http-status-not-an-error", "errors[0] (code 40001)", "http_status", "400-599", "error codes are 4xx and 5xx"},
		{"type-not-a-name", "errors[0] (code 40001)", "type", "type name", "types are one CamelCase word"},
		{"blank-message", "errors[0] (code 40001)", "messages[1]", "empty", "a documented message has text"},
		{"example-not-object", "errors[0] (code 40001)", "example", "not a JSON object", "examples are error bodies"},
		{"unknown-trigger", "errors[0] (code 40001)", "trigger", `"client"`, "request, state, account or server (design.md)"},
		{"magic-on-request-trigger", "errors[0] (code 40001)", "magic", "only account and server", "a request can cause it; magic values are for the rest (design.md)"},
		{"magic-not-e164", "errors[1] (code 40200)", "magic", "E.164", "magic values are phone numbers"},
		{"duplicate-magic", "errors[2] (code 40300)", "magic", "errors[1]", "one magic value, one error"},
		{"no-errors", "", "errors", "no error entries", "a catalog documents errors"},
		{"erratum-unknown-code", "errata[0] (erratum 6)", "codes", "40004", "errata concern documented codes"},
		{"erratum-unknown-check", "errata[0] (erratum 6)", "check", `"example-body"`, "the lint knows six checks"},
		{"erratum-duplicate-id", "errata[1] (erratum 6)", "id", "duplicate", "erratum ids are unique"},
		{"erratum-signing-example-unknown", "errata[0] (erratum 6)", "example", `"verification-page"`, "a signing-example check names a signing example"},
		{"signing-example-no-secret", "signing_examples[0]", "secret", "missing", "the lint recomputes the signature"},
		{"schema-version-2", "", "schema", "version 2", "this vcheck reads version 1"},
		{"syntax-error", "", "", "line 25", "the missing comma is at the end of line 24; the decoder stops on line 25"},
		{"wrong-json-type", "", "errors.http_status", "line 24: got a JSON string", `"http_status": "402"`},
		{"unknown-field", "", "mesages", "line 27", "a typo must not load as a catalog without messages"},
		{"trailing-data", "", "", "trailing data", "one catalog per file"},
		{"empty", "", "", "empty file", "nothing to load"},
	}
	seen := map[string]bool{"minimal.json": true}
	for _, tt := range tests {
		seen[tt.file+".json"] = true
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			path := filepath.Join("testdata", "catalogs", tt.file+".json")
			_, err := contracts.LoadCatalogFile(path)
			require.Error(t, err, tt.reason)
			var ce *contracts.CatalogError
			require.ErrorAs(t, err, &ce, tt.reason)
			assert.Equal(t, tt.entry, ce.Entry, tt.reason)
			assert.Equal(t, tt.field, ce.Field, tt.reason)
			assert.Contains(t, ce.Problem, tt.problem, tt.reason)
			assert.Contains(t, err.Error(), path, "the file is named")

			data, err := os.ReadFile(path)
			require.NoError(t, err)
			_, err = contracts.LoadCatalog(data)
			assert.ErrorAs(t, err, &ce, "LoadCatalog fails the same way")
		})
	}
	files, err := fs.Glob(os.DirFS(filepath.Join("testdata", "catalogs")), "*.json")
	require.NoError(t, err)
	for _, f := range files {
		assert.True(t, seen[f], "testdata/catalogs/%s has no row", f)
	}
}

// TestLoadCatalogMissingField deletes each required field from minimal.json
// in turn.
func TestLoadCatalogMissingField(t *testing.T) {
	t.Parallel()
	base, err := os.ReadFile(filepath.Join("testdata", "catalogs", "minimal.json"))
	require.NoError(t, err)
	tests := []struct {
		list, field, entry string
	}{
		{"errors", "code", "errors[0]"},
		{"errors", "http_status", "errors[0] (code 40001)"},
		{"errors", "type", "errors[0] (code 40001)"},
		{"errors", "status", "errors[0] (code 40001)"},
		{"errors", "messages", "errors[0] (code 40001)"},
		{"errors", "description", "errors[0] (code 40001)"},
		{"errors", "section", "errors[0] (code 40001)"},
		{"errors", "trigger", "errors[0] (code 40001)"},
		{"errors", "example", "errors[0] (code 40001)"},
		{"errata", "id", "errata[0]"},
		{"errata", "docs_say", "errata[0] (erratum 6)"},
		{"errata", "policy", "errata[0] (erratum 6)"},
		{"signing_examples", "name", "signing_examples[0]"},
		{"signing_examples", "method", "signing_examples[0]"},
		{"signing_examples", "path", "signing_examples[0]"},
		{"signing_examples", "key", "signing_examples[0]"},
		{"signing_examples", "secret", "signing_examples[0]"},
		{"signing_examples", "timestamp", "signing_examples[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.list+"/"+tt.field, func(t *testing.T) {
			t.Parallel()
			var doc map[string]any
			require.NoError(t, json.Unmarshal(base, &doc))
			entry := doc[tt.list].([]any)[0].(map[string]any)
			require.Contains(t, entry, tt.field)
			delete(entry, tt.field)
			data, err := json.Marshal(doc)
			require.NoError(t, err)

			_, err = contracts.LoadCatalog(data)
			var ce *contracts.CatalogError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.entry, ce.Entry)
			assert.Equal(t, tt.field, ce.Field)
			assert.Equal(t, "missing", ce.Problem)
		})
	}
}

func TestLoadCatalogFileErrors(t *testing.T) {
	t.Parallel()
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		_, err := contracts.LoadCatalogFile(filepath.Join(t.TempDir(), "none.json"))
		require.Error(t, err)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		var ce *contracts.CatalogError
		assert.False(t, errors.As(err, &ce), "an I/O failure is not a catalog defect")
	})
	t.Run("oversized file", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "huge.json")
		f, err := os.Create(path)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(4<<20+1), "one byte over the 4 MiB bound")
		require.NoError(t, f.Close())
		_, err = contracts.LoadCatalogFile(path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "more than the 4194304 allowed")
	})
}

// TestCatalogExamplesAreThePage compares each catalog example with the
// example body of the published errors page (the project's seed document),
// which every developer and CI have at ../shared from the project's root.
func TestCatalogExamplesAreThePage(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join("..", "..", "shared", "seeds", "sinch-verification-errors.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("the shared notes are not beside this checkout (../shared)")
	}
	require.NoError(t, err)
	// The page renders each example as `{- "status": ...,` `- "errorCode": ...,` `- "message": ...` `}`.
	blocks := regexp.MustCompile(`\{- ("status": "[^"]*"),\n- ("errorCode": [0-9]+),\n- ("message": "[^"]*")\n\}`).FindAllSubmatch(page, -1)
	c := contracts.DefaultCatalog()
	require.Len(t, blocks, len(c.Errors()), "one example per documented code")
	for i, b := range blocks {
		published := "{" + string(b[1]) + ", " + string(b[2]) + ", " + string(b[3]) + "}"
		assert.JSONEq(t, published, string(c.Errors()[i].Example), "%d: the catalog keeps the example as published, errata included", c.Errors()[i].Code)
	}
}
