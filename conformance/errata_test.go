package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// erratumHandling says, for every erratum of the catalog, where the oracle
// implements its policy, so that a new erratum in the catalog fails this
// test until someone decides how the oracle treats it.
var erratumHandling = map[int]string{
	1:  "alternatives: 40002 with the example's status",
	2:  "alternatives: \"401 RestrictedAction\"",
	3:  "alternatives: 50500 with \"503 TemporaryDown\"",
	4:  "HTTPStatus: 420 never accepted, noted",
	5:  "BodySchema: a string errorCode is a note unless strict",
	6:  "not judged: the generators treat 40001 as the SMS-code format error",
	7:  "alternatives: 40100 for a request without Authorization",
	8:  "not judged: signing follows the algorithm; the example is not a vector",
	9:  "not judged: as erratum 8",
	10: "alternatives: 40001 for an invalid number; StatusString: missing status is a note unless strict",
	11: "not judged: requests carry Authorization",
	12: "alternatives: \"401 TimestampHeader\"",
	13: "not judged: the generators send flashcall",
}

func TestErrataCovered(t *testing.T) {
	t.Parallel()
	cat := contracts.DefaultCatalog()
	for _, e := range cat.Errata() {
		how, ok := erratumHandling[e.ID]
		assert.True(t, ok, "erratum %d (%s) has no handling in the oracle", e.ID, e.DocsSay)
		if strings.HasPrefix(how, "alternatives") {
			assert.True(t, slices.ContainsFunc(alternatives, func(a alternative) bool { return a.erratum == e.ID }), "erratum %d", e.ID)
		}
	}
	for id := range erratumHandling {
		_, ok := cat.Erratum(id)
		assert.True(t, ok, "erratum %d is handled but not in the catalog", id)
	}
}

// TestAlternativesFollowThePolicyText ties each alternative to the catalog's
// policy text: the erratum concerns the expected code, and its policy names
// what is accepted by default and that strict does not accept it.
func TestAlternativesFollowThePolicyText(t *testing.T) {
	t.Parallel()
	cat := contracts.DefaultCatalog()
	for _, a := range alternatives {
		e, ok := cat.Erratum(a.erratum)
		require.True(t, ok, "erratum %d", a.erratum)
		assert.Contains(t, e.Codes, a.expected, "erratum %d concerns %d", a.erratum, a.expected)
		if a.code != 0 {
			assert.Contains(t, e.Policy, fmt.Sprint(a.code), "erratum %d's policy accepts %d", a.erratum, a.code)
		}
		if a.erratum == 1 || a.erratum == 2 || a.erratum == 3 {
			for _, s := range a.statuses {
				assert.Contains(t, e.Policy, s, "erratum %d's policy names the status %q", a.erratum, s)
			}
		}
		if a.erratum == 12 {
			assert.Contains(t, e.Policy, "TimestampHeader")
		}
		assert.Contains(t, e.Policy, "by default", "erratum %d", a.erratum)
		if a.erratum != 10 { // 10's text leaves strict implicit: PolicyStrict accepts only headings
			assert.Contains(t, e.Policy, "strict accepts only", "erratum %d", a.erratum)
		}
	}
	e4, _ := cat.Erratum(4)
	assert.Contains(t, e4.Policy, "420 is never accepted")
	e5, _ := cat.Erratum(5)
	assert.Contains(t, e5.Policy, "note by default")
	e10, _ := cat.Erratum(10)
	assert.Contains(t, e10.Policy, "missing status field is a note by default")
}
