package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/mock"
)

// TestKit_officialSDKs runs the kit once against each official SDK's
// adapter (interop/node-kit, interop/python-kit) and holds what the runs
// produced to the committed pages, row by row: each SDK's own matrix
// (docs/kit-node-matrix.md, docs/kit-python-matrix.md) and, through
// vcheck kit report, the SDKs side by side (docs/sdk-matrix.md). Nothing
// any run wrote may hold the secret the adapter was handed. It needs make
// npm and make pip; set VCHECK_INTEROP=1, under which a missing SDK is a
// failure, not a skip: CI asked for it.
func TestKit_officialSDKs(t *testing.T) {
	if os.Getenv("VCHECK_INTEROP") == "" {
		t.Skip("set VCHECK_INTEROP=1 (needs make npm and make pip)")
	}
	t.Parallel()
	node, err := exec.LookPath("node")
	require.NoError(t, err)
	py := venvPython(t)
	secret := mock.DefaultCredentials().Secret.Reveal()
	dir := t.TempDir()
	var reports []string
	for _, sdk := range []struct {
		name, version, adapter, interp string
	}{
		{"node", "@sinch/verification 1.4.0", "node-kit/adapter.js", node},
		{"python", "sinch 1.1.4", "python-kit/adapter.py", py},
	} {
		adapter, err := filepath.Abs("../../interop/" + sdk.adapter)
		require.NoError(t, err)
		js, md := filepath.Join(dir, sdk.name+".json"), filepath.Join(dir, sdk.name+".md")
		known := "../../interop/" + sdk.name + "-kit/known-failing.txt"
		code, stdout, stderr := cli(t, "", "kit", "run", "--json", js, "--markdown", md, "--known-failing", known, "--", sdk.interp, adapter)
		require.Equal(t, exitOK, code, "%s: %s\n%s", sdk.name, stdout, stderr)
		assert.Contains(t, stdout, sdk.version)
		reports = append(reports, js)

		record, err := os.ReadFile(js)
		require.NoError(t, err)
		got, err := os.ReadFile(md)
		require.NoError(t, err)
		for name, out := range map[string]string{"stdout": stdout, "stderr": stderr, "json": string(record), "markdown": string(got)} {
			assert.False(t, strings.Contains(out, secret), "%s: the %s never holds the secret", sdk.name, name)
			assert.False(t, strings.Contains(out, strings.TrimRight(secret, "=")), "%s: the %s never holds the secret unpadded", sdk.name, name)
		}
		page := "docs/kit-" + sdk.name + "-matrix.md"
		committed, err := os.ReadFile("../../" + page)
		require.NoError(t, err)
		want, have := matrixRows(string(committed)), matrixRows(string(got))
		stale := page + " is not what this run produced; regenerate it (make kit) and update its notes"
		require.NotEmpty(t, want, page)
		require.Len(t, have, len(want), stale)
		for i := range want {
			assert.Equal(t, want[i], have[i], stale)
		}
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

// venvPython is the interpreter of the Python SDK's virtual environment;
// under VCHECK_INTEROP its absence fails the test, since CI asked for it.
func venvPython(t *testing.T) string {
	t.Helper()
	py, err := filepath.Abs("../../build/python-venv/bin/python")
	require.NoError(t, err)
	_, err = os.Stat(py)
	require.NoError(t, err, "the Python SDK is not installed: run make pip (it creates build/python-venv from interop/python/requirements.txt)")
	return py
}
