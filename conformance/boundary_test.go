package conformance

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportBoundaries pins the data flow (design.md): conformance reads
// contracts and fixtures only, never mock (the mock decides what to answer,
// conformance what was owed), runner or cmd; and mock never reads
// conformance. Test files are not counted: external tests may run the
// oracle against the mock.
func TestImportBoundaries(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go list")
	}
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		require.NoError(t, err, "go list -deps %s", pkg)
		return strings.Fields(string(out))
	}
	const mod = "github.com/vcheck/vcheck/"
	for _, d := range deps(mod + "conformance") {
		if strings.HasPrefix(d, mod) {
			assert.Contains(t, []string{mod + "conformance", mod + "contracts", mod + "fixtures", mod + "openapi"}, d, "conformance must not import %s", d)
		}
	}
	assert.NotContains(t, deps(mod+"mock"), mod+"conformance", "mock must not import conformance")
}
