package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// TestReplay_lineCarriesTheCaseSetFlags: a replay line names every flag
// that selects the family or changes its case, and never a credential.
func TestReplay_lineCarriesTheCaseSetFlags(t *testing.T) {
	t.Parallel()
	o := &Options{Command: "vcheck", Target: "https://sandbox.example/x y", MockMagic: true, AllowSideEffects: true,
		TestNumber: "+46700000000", Basic: true, CatalogPath: "my catalog.json", Policy: conformance.PolicyStrict,
		Credentials: contracts.Credentials{Key: "the-key", Secret: contracts.NewSecret("c2VjcmV0LXNob3VsZC1ub3QtcHJpbnQ=")},
		Cases:       3, Only: []int{40300}, Shard: 2, Shards: 4}
	got := replayLine(o, "40300", 42)
	assert.Equal(t, "vcheck run --target 'https://sandbox.example/x y' --mock-magic --allow-side-effects --test-number +46700000000"+
		" --auth basic --catalog 'my catalog.json' --errata strict --replay 40300@42", got)
	assert.NotContains(t, got, "the-key")
	assert.NotContains(t, got, "c2VjcmV0")
	assert.NotContains(t, got, "--shard", "a replay runs one case; the shard does not select it")

	assert.Equal(t, "vcheck run --drift empty-message --replay stateful@7", replayLine(&Options{Command: "vcheck", Drift: "empty-message"}, "stateful", 7))
}
