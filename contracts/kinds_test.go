package contracts_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// TestKindEncodings pins the JSON of every typed kind: the catalog file,
// the lint's JSON report and the runner's reports spell them as strings,
// and a type of their own must not change a byte of that.
func TestKindEncodings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		v    any
		want string
	}{
		{"ErratumCheck", contracts.Erratum{ID: 8, Check: contracts.CheckSigningExample, Example: "x"},
			`{"id":8,"codes":null,"check":"signing-example","example":"x","docs_say":"","policy":""}`},
		{"every ErratumCheck", []contracts.ErratumCheck{contracts.CheckExampleCode, contracts.CheckExampleStatus, contracts.CheckSectionStatus, contracts.CheckFieldType, contracts.CheckSigningExample, contracts.CheckDeclared},
			`["example-code","example-status","section-status","field-type","signing-example","declared"]`},
		{"LintState", contracts.ErratumReport{State: contracts.LintConfirmed},
			`{"erratum":{"id":0,"codes":null,"check":"","docs_say":"","policy":""},"state":"confirmed"}`},
		{"every LintState", []contracts.LintState{contracts.LintConfirmed, contracts.LintDeclared, contracts.LintResolved},
			`["confirmed","declared","resolved"]`},
		{"Scheme", []contracts.Scheme{contracts.SchemeApplication, contracts.SchemeBasic}, `["Application","Basic"]`},
		{"Authorization", contracts.Authorization{Scheme: contracts.SchemeBasic, Key: "k", Secret: contracts.NewSecret("s")},
			`{"Scheme":"Basic","Key":"k","Signature":"","Secret":"REDACTED"}`},
		{"ProblemKind", contracts.Problem{Kind: contracts.ProblemCodeAsString, Field: "errorCode", Detail: "d"},
			`{"kind":"code-as-string","field":"errorCode","detail":"d"}`},
		{"Trigger", []contracts.Trigger{contracts.TriggerRequest, contracts.TriggerState, contracts.TriggerAccount, contracts.TriggerServer},
			`["request","state","account","server"]`},
		{"AuthFailure", contracts.FailureSignatureMismatch, `"signature-mismatch"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.v)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(b))
		})
	}
}

// TestKindsDecodeFromTheCatalog reads the typed kinds back from the
// embedded catalog file, which spells them as plain strings.
func TestKindsDecodeFromTheCatalog(t *testing.T) {
	t.Parallel()
	c := contracts.DefaultCatalog()
	e, ok := c.Erratum(8)
	require.True(t, ok)
	assert.Equal(t, contracts.CheckSigningExample, e.Check)
	e, ok = c.Erratum(1)
	require.True(t, ok)
	assert.Equal(t, contracts.CheckExampleCode, e.Check)

	var got contracts.Erratum
	require.NoError(t, json.Unmarshal([]byte(`{"id":5,"check":"field-type"}`), &got))
	assert.Equal(t, contracts.CheckFieldType, got.Check)
}
