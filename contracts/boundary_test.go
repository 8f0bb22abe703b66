package contracts_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/vcheck/vcheck"

// TestImportBoundaries checks the one-way data flow of design.md with
// `go list -deps` (style.md habit 20): fixtures -> contracts ->
// {conformance, mock} -> runner -> cmd, where mock and conformance never
// import each other, and nothing imports fuzz.
func TestImportBoundaries(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the boundary check needs the go command on PATH")

	tests := []struct {
		pkg       string
		forbidden []string
		required  []string // shows that the listing is transitive, so the check can fail
		reason    string
	}{
		{"fixtures", []string{"contracts", "conformance", "mock", "runner", "cmd/vcheck", "fuzz"}, nil, "data only: it imports nothing of vcheck's own"},
		{"contracts", []string{"conformance", "mock", "runner", "cmd/vcheck", "fuzz"}, []string{"fixtures"}, "the source of truth reads fixtures only"},
		{"mock", []string{"conformance", "runner", "cmd/vcheck", "fuzz"}, nil, "the mock decides what to answer on its own"},
		{"conformance", []string{"mock", "runner", "cmd/vcheck", "fuzz"}, nil, "the oracle decides what was owed on its own"},
		{"runner", []string{"cmd/vcheck", "fuzz"}, nil, "cmd wires the runner, not the other way"},
		{"cmd/vcheck", []string{"fuzz"}, []string{"contracts", "fixtures"}, "nothing imports fuzz"},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", module+"/"+tt.pkg).Output()
			var stderr string
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				stderr = string(ee.Stderr)
			}
			require.NoError(t, err, "go list -deps %s: %s", tt.pkg, stderr)
			deps := map[string]bool{}
			for _, line := range strings.Fields(string(out)) {
				deps[line] = true
			}
			require.True(t, deps[module+"/"+tt.pkg], "go list printed %s itself", tt.pkg)
			for _, r := range tt.required {
				assert.True(t, deps[module+"/"+r], "%s does not list %s among its dependencies", tt.pkg, r)
			}
			for _, f := range tt.forbidden {
				assert.False(t, deps[module+"/"+f], "%s depends on %s: %s", tt.pkg, f, tt.reason)
			}
		})
	}
}
