package kit

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// names returns the values of a string type as strings.
func names[S ~string](list []S) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, string(s))
	}
	return out
}

// TestProtocolDoc_namesWhatTheKitReads keeps docs/kit-adapter-protocol.md
// in step with the code: every field of the three lines (read from the
// structs the kit decodes and encodes), every result the parser accepts,
// every fault kind and capability, and the timeout defaults appear in it.
func TestProtocolDoc_namesWhatTheKitReads(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/kit-adapter-protocol.md")
	require.NoError(t, err)
	doc := string(b)
	k, err := Load()
	require.NoError(t, err)
	var ops []string
	for op := range k.Operations {
		ops = append(ops, op)
	}
	for what, names := range map[string][]string{
		"observation field":  observationFields,
		"capabilities field": jsonFields(Capabilities{}),
		"scenario field":     jsonFields(scenarioLine{}),
		"result":             names(adapterResults),
		"fault kind":         names([]FaultKind{FaultTimeout, FaultBadLine, FaultCrash}),
		"capability":         names([]Capability{CapabilityRetry, CapabilityTimeout}),
		"operation":          ops,
		"flag":               {"--start-timeout", "--scenario-timeout", "--timeout", "--known-failing"},
	} {
		require.NotEmpty(t, names, what)
		for _, n := range names {
			assert.Contains(t, doc, "`"+n+"`", "the protocol doc does not name the %s %q", what, n)
		}
	}
	for _, s := range []string{
		fmt.Sprintf("| %g s", DefaultStartTimeout.Seconds()),
		fmt.Sprintf("`deadline_ms` + %g s", scenarioGrace.Seconds()),
		fmt.Sprintf("| %g s |", exitGrace.Seconds()),
		"three scenarios in a row",
		"interop/node-kit/adapter.js", "interop/python-kit/adapter.py", "interop/java-kit/",
	} {
		assert.Contains(t, doc, s)
	}
	assert.Equal(t, 3, maxConsecutiveFaults, "the doc says three")
}
