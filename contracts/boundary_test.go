package contracts_test

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/vcheck/vcheck"

// libopenapi is the path prefix of libopenapi, libopenapi-validator and their
// own packages.
const libopenapi = "github.com/pb33f"

// goList runs the go command's list with args and returns its output lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the boundary check needs the go command on PATH")
	out, err := exec.Command(goTool, append([]string{"list"}, args...)...).Output()
	var stderr string
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "go list %s: %s", strings.Join(args, " "), stderr)
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestImportBoundaries checks the one-way data flow of design.md with the
// go command's list (style.md habit 20): fixtures -> contracts -> {openapi ->
// conformance, mock, proxy} -> {runner, kit} -> cmd. Every package of the
// module has a row that lists the packages of the module it may depend on,
// transitively; test files are not counted, so external tests may still run
// the oracle against the mock. Nothing depends on fuzz, which has no code
// outside its tests.
//
// libopenapi (44 packages with the validator's dependencies) is linked only
// through openapi: contracts, mock and proxy never depend on it, so an SDK
// test suite that starts the mock does not build it.
func TestImportBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pkg        string
		allowed    []string // the packages of the module it may depend on
		libopenapi bool     // whether it may depend on libopenapi
		reason     string
	}{
		{"fixtures", nil, false, "data only: it imports nothing of vcheck's own"},
		{"contracts", []string{"fixtures", "internal/jsonscan"}, false, "the source of truth reads fixtures only; it scans JSON with internal/jsonscan"},
		{"openapi", []string{"contracts", "fixtures", "internal/jsonscan"}, true, "the OpenAPI document reads the contract and the embedded document"},
		{"conformance", []string{"openapi", "contracts", "fixtures", "internal/jsonscan", "internal/rapidrun"}, true, "the oracle decides what was owed on its own, never from the mock"},
		{"mock", []string{"contracts", "fixtures", "internal/jsonscan"}, false, "the mock decides what to answer on its own, and SDK tests that start it do not build libopenapi"},
		{"mock/internal/loadtest", []string{"mock", "contracts", "fixtures", "internal/jsonscan"}, false, "drives the mock only"},
		{"proxy", []string{"contracts", "fixtures", "internal/jsonscan", "internal/loopback"}, false, "the proxy answers from its rules and the contract, never from the oracle"},
		{"internal/junit", nil, false, "a JUnit writer knows nothing of vcheck"},
		{"internal/jsonscan", nil, false, "a JSON scanner knows nothing of vcheck"},
		{"internal/loopback", nil, false, "a loopback check knows nothing of vcheck"},
		{"internal/atomicfile", nil, false, "an atomic file writer knows nothing of vcheck"},
		{"internal/workflows", nil, false, "the workflow checks know nothing of vcheck"},
		{"internal/rapidrun", nil, false, "running rapid from a seed knows nothing of vcheck"},
		{"kit", []string{"contracts", "fixtures", "internal/jsonscan", "proxy", "internal/junit", "internal/loopback"}, false, "the SDK kit judges through the proxy with its own judge, never with the oracle, the mock or the runner"},
		{"runner", []string{"conformance", "openapi", "contracts", "fixtures", "internal/jsonscan", "mock", "internal/junit", "internal/loopback", "internal/rapidrun", "internal/atomicfile"}, true, "cmd wires the runner, not the other way"},
		{"cmd/vcheck", []string{"runner", "kit", "conformance", "openapi", "contracts", "fixtures", "internal/jsonscan", "mock", "proxy", "internal/junit", "internal/loopback", "internal/rapidrun", "internal/atomicfile"}, true, "nothing imports fuzz"},
		{"fuzz", nil, false, "no code outside its tests"},
	}

	deps := map[string][]string{} // package -> its transitive dependencies
	for _, line := range goList(t, "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", module+"/...") {
		f := strings.Fields(line)
		require.NotEmpty(t, f)
		deps[strings.TrimPrefix(f[0], module+"/")] = f[1:]
	}
	var rows []string
	for _, tt := range tests {
		rows = append(rows, tt.pkg)
	}
	for pkg := range deps {
		assert.Contains(t, rows, pkg, "package %s has no row in the boundary table", pkg)
	}
	// Show that the listing is transitive and names libopenapi where it is,
	// so that the checks below can fail.
	require.Contains(t, deps["cmd/vcheck"], module+"/fixtures", "the listing is not transitive: cmd/vcheck reaches fixtures through contracts")
	require.True(t, slices.ContainsFunc(deps["conformance"], func(d string) bool { return strings.HasPrefix(d, libopenapi+"/") }),
		"conformance does not list libopenapi (%s) among its dependencies", libopenapi)

	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			t.Parallel()
			d, ok := deps[tt.pkg]
			require.True(t, ok, "go list does not list %s: a row for a package that is gone", tt.pkg)
			for _, dep := range d {
				if own, ok := strings.CutPrefix(dep, module+"/"); ok {
					assert.Contains(t, tt.allowed, own, "%s depends on %s: %s", tt.pkg, own, tt.reason)
				}
				if !tt.libopenapi {
					assert.False(t, strings.HasPrefix(dep, libopenapi+"/"), "%s depends on %s: %s", tt.pkg, dep, tt.reason)
				}
			}
		})
	}
}

// TestNoLibopenapiOutsideConformance pins, as one command, what the
// boundary table says row by row: nothing the mock, the proxy or the
// contract depends on is libopenapi.
func TestNoLibopenapiOutsideConformance(t *testing.T) {
	t.Parallel()
	var found []string
	for _, dep := range goList(t, "-deps", module+"/mock", module+"/proxy", module+"/contracts") {
		if strings.Contains(dep, "pb33f") {
			found = append(found, dep)
		}
	}
	assert.Empty(t, found, "go list -deps ./mock ./proxy ./contracts | grep pb33f")
}
