package contracts_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

func reportsByID(r contracts.LintReport) map[int]contracts.ErratumReport {
	out := map[int]contracts.ErratumReport{}
	for _, e := range r.Errata {
		out[e.Erratum.ID] = e
	}
	return out
}

func TestLintDefaultCatalog(t *testing.T) {
	t.Parallel()
	r := contracts.Lint(contracts.DefaultCatalog())
	assert.Empty(t, r.Undeclared, "every contradiction in the data is a declared erratum")
	byID := reportsByID(r)
	require.Len(t, byID, 13, "facts.md: errata 1 to 13")

	tests := []struct {
		id       int
		state    contracts.LintState
		evidence []string // fragments, each in some evidence line
		reason   string
	}{
		{1, contracts.LintConfirmed, []string{"40005", `"errorCode": 40002`}, "the 40005 example sends 40002"},
		{2, contracts.LintConfirmed, []string{"40303", "401 RestrictedAction"}, "the 40303 example says 401"},
		{3, contracts.LintConfirmed, []string{"50300", `"errorCode": 50500`}, "the 50300 example sends 50500"},
		{4, contracts.LintConfirmed, []string{"42200", "42201", "420 - Unprocessable Entity"}, "the section is headed 420"},
		{5, contracts.LintConfirmed, []string{"errorCode is a string", "21 of 21"}, "the field table against every example"},
		{6, contracts.LintDeclared, nil, "known from the description's wording only"},
		{7, contracts.LintDeclared, nil, "two descriptions overlap"},
		{8, contracts.LintConfirmed, []string{"verification-page", "computed c5jl2EZiU6BpQ2QiBOJ/gQ==", "printed signature qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM="}, "facts.md section 2, erratum 8"},
		{9, contracts.LintConfirmed, []string{"verification-callback", "REWF+X220L4/Gw1spXOU7g=="}, "facts.md section 2, erratum 9"},
		{10, contracts.LintDeclared, nil, "another version of the page"},
		{11, contracts.LintDeclared, nil, "another page"},
		{12, contracts.LintDeclared, nil, "other pages and the SDKs"},
		{13, contracts.LintDeclared, nil, "older docs"},
	}
	for _, tt := range tests {
		t.Run("erratum "+strconv.Itoa(tt.id), func(t *testing.T) {
			t.Parallel()
			rep, ok := byID[tt.id]
			require.True(t, ok)
			assert.Equal(t, tt.state, rep.State, tt.reason)
			if tt.state == contracts.LintDeclared {
				assert.Empty(t, rep.Evidence)
				return
			}
			all := strings.Join(rep.Evidence, "\n")
			for _, code := range rep.Erratum.Codes {
				assert.Contains(t, all, strconv.Itoa(code), "the evidence names the code")
			}
			for _, f := range tt.evidence {
				assert.Contains(t, all, f, tt.reason)
			}
		})
	}
}

// editCatalog loads the embedded catalog after edit changes its JSON, as a
// newer catalog file would.
func editCatalog(t *testing.T, edit func(doc map[string]any)) *contracts.Catalog {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(fixtures.Catalog(), &doc))
	edit(doc)
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	c, err := contracts.LoadCatalog(data)
	require.NoError(t, err)
	return c
}

func entryOf(t *testing.T, doc map[string]any, code int) map[string]any {
	t.Helper()
	for _, e := range doc["errors"].([]any) {
		m := e.(map[string]any)
		if m["code"] == float64(code) {
			return m
		}
	}
	t.Fatalf("no entry for %d", code)
	return nil
}

func TestLintResolved(t *testing.T) {
	t.Parallel()
	c := editCatalog(t, func(doc map[string]any) {
		entryOf(t, doc, 40005)["example"].(map[string]any)["errorCode"] = 40005
	})
	r := contracts.Lint(c)
	byID := reportsByID(r)
	assert.Equal(t, contracts.LintResolved, byID[1].State, "the docs fixed the 40005 example")
	assert.Empty(t, byID[1].Evidence)
	assert.Equal(t, contracts.LintConfirmed, byID[3].State, "the other example-code erratum still stands")
	assert.Empty(t, r.Undeclared)
}

func TestLintUndeclared(t *testing.T) {
	t.Parallel()
	c := editCatalog(t, func(doc map[string]any) {
		entryOf(t, doc, 40400)["example"].(map[string]any)["errorCode"] = 40401
		entryOf(t, doc, 40900)["section"] = "400 - Conflict"
	})
	r := contracts.Lint(c)
	require.Len(t, r.Undeclared, 2, "contradictions no erratum declares")
	assert.Contains(t, r.Undeclared[0], "40400")
	assert.Contains(t, r.Undeclared[0], "40401")
	assert.Contains(t, r.Undeclared[1], "40900")
	byID := reportsByID(r)
	for _, id := range []int{1, 2, 3, 4, 5, 8, 9} {
		assert.Equal(t, contracts.LintConfirmed, byID[id].State, "erratum %d", id)
		assert.NotContains(t, strings.Join(byID[id].Evidence, "\n"), "40400", "erratum %d does not absorb it", id)
	}
}

func TestLintUndeclaredWhenAnErratumIsRemoved(t *testing.T) {
	t.Parallel()
	c := editCatalog(t, func(doc map[string]any) {
		var kept []any
		for _, e := range doc["errata"].([]any) {
			if e.(map[string]any)["id"] != float64(8) {
				kept = append(kept, e)
			}
		}
		doc["errata"] = kept
	})
	r := contracts.Lint(c)
	require.Len(t, r.Undeclared, 1)
	assert.True(t, strings.HasPrefix(r.Undeclared[0], "verification-page: "), r.Undeclared[0])
}

func TestLintFieldTypeResolved(t *testing.T) {
	t.Parallel()
	c := editCatalog(t, func(doc map[string]any) {
		doc["fields"].(map[string]any)["errorCode"] = "number"
	})
	assert.Equal(t, contracts.LintResolved, reportsByID(contracts.Lint(c))[5].State, "a field table that says number agrees with the examples")
}
