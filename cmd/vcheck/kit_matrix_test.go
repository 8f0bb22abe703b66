package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKit_sdkMatrix holds docs/sdk-matrix.md, the official SDKs side by
// side, to what vcheck kit report makes of this run's kit runs, row by
// row. It needs make npm and make pip; set VCHECK_INTEROP=1, under which a
// missing SDK is a failure.
func TestKit_sdkMatrix(t *testing.T) {
	if os.Getenv("VCHECK_INTEROP") == "" {
		t.Skip("set VCHECK_INTEROP=1 (needs make npm and make pip)")
	}
	t.Parallel()
	py := venvPython(t)
	dir := t.TempDir()
	var reports []string
	for _, sdk := range []struct {
		name, known string
		adapter     []string
	}{
		{"node", "../../interop/node-kit/known-failing.txt", []string{"node", "../../interop/node-kit/adapter.js"}},
		{"python", "../../interop/python-kit/known-failing.txt", []string{py, "../../interop/python-kit/adapter.py"}},
	} {
		js := filepath.Join(dir, sdk.name+".json")
		code, stdout, stderr := cli(t, "", append([]string{"kit", "run", "--json", js, "--known-failing", sdk.known, "--"}, sdk.adapter...)...)
		require.Equal(t, exitOK, code, "%s: %s\n%s", sdk.name, stdout, stderr)
		reports = append(reports, js)
	}
	code, got, stderr := cli(t, "", append([]string{"kit", "report"}, reports...)...)
	require.Equal(t, exitOK, code, stderr)
	committed, err := os.ReadFile("../../docs/sdk-matrix.md")
	require.NoError(t, err)
	want, have := matrixRows(string(committed)), matrixRows(got)
	const stale = "docs/sdk-matrix.md is not what these runs produce; regenerate its table (vcheck kit report, see the file) and update its notes"
	require.NotEmpty(t, want)
	require.Len(t, have, len(want), stale)
	for i := range want {
		assert.Equal(t, want[i], have[i], stale)
	}
}
