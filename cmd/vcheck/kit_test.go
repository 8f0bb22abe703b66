package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKit_listAndExport(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "", "kit", "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "retry.lost-start")
	code, stdout, stderr = cli(t, "", "kit", "list", "--json")
	require.Equal(t, exitOK, code, stderr)
	var scs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &scs))
	assert.GreaterOrEqual(t, len(scs), 26)
	code, stdout, _ = cli(t, "", "kit", "export", "--format", "gherkin")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "Feature: SDK error handling: retry")
	code, stdout, _ = cli(t, "", "kit", "export", "--format", "vectors")
	assert.Equal(t, exitOK, code)
	assert.True(t, json.Valid([]byte(stdout)))
}

func TestKit_usageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"kit"}, "a subcommand"},
		{[]string{"kit", "fly"}, `unknown kit subcommand "fly"`},
		{[]string{"kit", "export", "--format", "yaml"}, `--format "yaml"`},
		{[]string{"kit", "run"}, "no adapter"},
		{[]string{"kit", "run", "--only", "surface.nope", "--", "true"}, `unknown scenario "surface.nope"`},
		{[]string{"kit", "run", "--upstream", "https://verification.api.sinch.com", "--", "true"}, "use embedded or a loopback mock"},
		// A string prefix took this for loopback; its host is example.test.
		{[]string{"kit", "run", "--upstream", "http://127.0.0.1@example.test:9", "--", "true"}, "credentials in the URL are not allowed"},
		{[]string{"kit", "run", "--upstream", "http://localhost.example.test:9", "--", "true"}, "use embedded or a loopback mock"},
		{[]string{"kit", "run", "--upstream", "http://127.0.0.1:9?x=1", "--", "true"}, "no query"},
		{[]string{"kit", "report"}, "want one or more JSON reports"},
	} {
		code, _, stderr := cli(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}

func TestKit_adapterThatBreaksIsNoPass(t *testing.T) {
	t.Parallel()
	code, _, stderr := cli(t, "", "kit", "run", "--only", "surface.40005", "--", "/nonexistent/adapter")
	assert.Equal(t, exitUnreachable, code, stderr)
	code, _, stderr = cli(t, "", "kit", "run", "--only", "surface.40005", "--", "sh", "-c", `echo not-json`)
	assert.Equal(t, exitUnreachable, code, stderr)
	assert.Contains(t, stderr, "no capabilities line")
	// Capabilities, then silence: every scenario is unrun or invalid.
	code, _, stderr = cli(t, "", "kit", "run", "--only", "retry.503-twice", "--", "sh", "-c", `echo '{"sdk":"x","version":"0","supports":{"retry":false}}'; cat >/dev/null`)
	assert.Equal(t, exitUnreachable, code, stderr)
	assert.Contains(t, stderr, "exercised nothing")
}

// TestKit_nodeSDK runs the kit against the official Node SDK's adapter.
// It needs node and `npm ci --prefix interop/node-kit`; set VCHECK_INTEROP=1.
func TestKit_nodeSDK(t *testing.T) {
	if os.Getenv("VCHECK_INTEROP") == "" {
		t.Skip("set VCHECK_INTEROP=1 (needs node and npm ci --prefix interop/node-kit)")
	}
	t.Parallel()
	_, err := exec.LookPath("node")
	require.NoError(t, err)
	adapter, err := filepath.Abs("../../interop/node-kit/adapter.js")
	require.NoError(t, err)
	dir := t.TempDir()
	js, md := filepath.Join(dir, "node.json"), filepath.Join(dir, "node.md")
	code, stdout, stderr := cli(t, "", "kit", "run", "--json", js, "--markdown", md, "--known-failing", "../../interop/node-kit/known-failing.txt", "--", "node", adapter)
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "@sinch/verification 1.4.0")
	b, err := os.ReadFile(js)
	require.NoError(t, err)
	assert.False(t, strings.Contains(string(b), "dmNoZWNrIG1vY2sgb25seQ"), "the record never holds the secret")

	got, err := os.ReadFile(md)
	require.NoError(t, err)
	committed, err := os.ReadFile("../../docs/kit-node-matrix.md")
	require.NoError(t, err)
	want, have := matrixRows(string(committed)), matrixRows(string(got))
	const stale = "docs/kit-node-matrix.md is not what this run produced; regenerate it (make kit) and update its notes"
	require.Len(t, have, len(want), stale)
	for i := range want {
		assert.Equal(t, want[i], have[i], stale)
	}
}

// matrixRows returns the table rows of a kit Markdown report.
func matrixRows(md string) []string {
	var rows []string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, line)
		}
	}
	return rows
}
