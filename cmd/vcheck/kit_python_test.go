package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/mock"
)

// TestKit_pythonSDK runs the kit against the official Python SDK's adapter
// (interop/python-kit) and holds docs/kit-python-matrix.md to what this run
// produced, row by row. It needs `make pip`; set VCHECK_INTEROP=1. Under
// VCHECK_INTEROP a missing venv is a failure, not a skip: CI asked for it.
func TestKit_pythonSDK(t *testing.T) {
	if os.Getenv("VCHECK_INTEROP") == "" {
		t.Skip("set VCHECK_INTEROP=1 (needs make pip: build/python-venv)")
	}
	t.Parallel()
	py := venvPython(t)
	adapter, err := filepath.Abs("../../interop/python-kit/adapter.py")
	require.NoError(t, err)
	dir := t.TempDir()
	js, md := filepath.Join(dir, "python.json"), filepath.Join(dir, "python.md")
	code, stdout, stderr := cli(t, "", "kit", "run", "--json", js, "--markdown", md, "--known-failing", "../../interop/python-kit/known-failing.txt", "--", py, adapter)
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "sinch 1.1.4")

	got, err := os.ReadFile(md)
	require.NoError(t, err)
	record, err := os.ReadFile(js)
	require.NoError(t, err)
	// The adapter was handed the secret; none of what it led to may hold it.
	secret := mock.DefaultCredentials().Secret.Reveal()
	for name, out := range map[string]string{"stdout": stdout, "stderr": stderr, "json": string(record), "markdown": string(got)} {
		assert.False(t, strings.Contains(out, secret), "the %s never holds the secret", name)
		assert.False(t, strings.Contains(out, strings.TrimRight(secret, "=")), "the %s never holds the secret unpadded", name)
	}

	committed, err := os.ReadFile("../../docs/kit-python-matrix.md")
	require.NoError(t, err)
	want, have := matrixRows(string(committed)), matrixRows(string(got))
	const stale = "docs/kit-python-matrix.md is not what this run produced; regenerate it (make kit) and update its notes"
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
