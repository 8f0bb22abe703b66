package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// cli runs the CLI in-process and returns its exit code and output.
func cli(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRun_usage(t *testing.T) {
	t.Parallel()
	code, _, stderr := cli(t, "")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "usage: vcheck COMMAND")

	code, _, stderr = cli(t, "", "frobnicate")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "frobnicate"`)

	code, stdout, _ := cli(t, "", "--help")
	assert.Equal(t, exitOK, code)
	for _, name := range []string{"catalog", "lint", "explain"} {
		assert.Contains(t, stdout, name)
	}
}

func TestRun_helpOnEveryCommand(t *testing.T) {
	t.Parallel()
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, "", name, "-h")
			assert.Equal(t, exitOK, code)
			assert.Contains(t, stdout, "usage: vcheck "+name)
			assert.Empty(t, stderr)
		})
	}
}

func TestRun_badFlagIsUsageError(t *testing.T) {
	t.Parallel()
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, "", name, "--no-such-flag")
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, "no-such-flag")
			assert.NotContains(t, stdout, "usage:", "a bad flag must not print the help to stdout")
		})
	}
}

func TestCatalog_jsonListsEveryCode(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "", "catalog", "--json")
	require.Equal(t, exitOK, code, stderr)
	var entries []struct {
		Code       int    `json:"code"`
		HTTPStatus int    `json:"http_status"`
		Magic      string `json:"magic"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &entries))
	assert.Len(t, entries, 21)
	got := map[int]int{}
	for _, e := range entries {
		got[e.Code] = e.HTTPStatus
	}
	want := map[int]int{40001: 400, 40002: 400, 40003: 400, 40005: 400, 40100: 401, 40101: 401, 40102: 401,
		40104: 401, 40107: 401, 40200: 402, 40300: 403, 40303: 403, 40400: 404, 40900: 409, 42200: 422,
		42201: 422, 42900: 429, 42901: 429, 50000: 500, 50300: 503, 50301: 503}
	assert.Equal(t, want, got, "facts.md section 1")
}

func TestCatalog_tablePrintsMagicNumbers(t *testing.T) {
	t.Parallel()
	code, stdout, _ := cli(t, "", "catalog")
	require.Equal(t, exitOK, code)
	for _, s := range contracts.DefaultCatalog().Errors() {
		assert.Contains(t, stdout, s.Status)
		if s.Magic != "" {
			assert.Contains(t, stdout, s.Magic)
		}
	}
}

func TestCatalog_badFileNamesFileAndField(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "catalog.json")
	data := strings.Replace(string(mustReadEmbedded(t)), `"status": "400 NumberMissingLeadingPlus"`, `"status": "401 NumberMissingLeadingPlus"`, 1)
	require.NoError(t, os.WriteFile(bad, []byte(data), 0o600))

	for _, cmd := range []string{"catalog", "lint", "explain"} {
		code, _, stderr := cli(t, `{"errorCode":40002}`, cmd, "--catalog", bad)
		assert.Equal(t, exitUsage, code, cmd)
		assert.Contains(t, stderr, bad, cmd)
		assert.Contains(t, stderr, "code 40005", cmd)
		assert.Contains(t, stderr, `"status"`, cmd)
	}
	code, _, stderr := cli(t, "", "catalog", "--catalog", filepath.Join(dir, "missing.json"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "missing.json")
}

func mustReadEmbedded(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "catalog.json"))
	require.NoError(t, err)
	return b
}

func TestLint_reportsTheErrata(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "", "lint")
	require.Equal(t, exitOK, code, stderr)
	for _, want := range []string{
		"erratum 1 [confirmed] (40005)", `sends "errorCode": 40002`,
		"erratum 2 [confirmed] (40303)", `"401 RestrictedAction"`,
		"erratum 3 [confirmed] (50300)", `sends "errorCode": 50500`,
		"erratum 4 [confirmed] (42200 42201)", "420 - Unprocessable Entity",
		"erratum 5 [confirmed]", "21 of 21 examples send a JSON number",
		"erratum 6 [declared] (40001)", "erratum 7 [declared] (40100 40104)",
		"erratum 8 [confirmed]", "computed c5jl2EZiU6BpQ2QiBOJ/gQ==",
		"erratum 9 [confirmed]",
		"13 errata: 7 confirmed from the catalog's data, 6 declared",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.Equal(t, 13, strings.Count(stdout, "  policy:"), "every erratum states vcheck's policy")
}

func TestLint_undeclaredContradictionFails(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "catalog.json")
	data := strings.Replace(string(mustReadEmbedded(t)),
		`"example": {"status": "404 ResourceNotFound", "errorCode": 40400`,
		`"example": {"status": "404 ResourceNotFound", "errorCode": 40401`, 1)
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
	code, stdout, stderr := cli(t, "", "lint", "--catalog", path)
	assert.Equal(t, exitBroken, code)
	assert.Contains(t, stdout, "UNDECLARED: 40400")
	assert.Contains(t, stderr, "no erratum declares")
}

func TestExplain_identifiesEverySeedExample(t *testing.T) {
	t.Parallel()
	erratumOf := map[int]int{40005: 1, 40303: 2, 50300: 3}
	for _, s := range contracts.DefaultCatalog().Errors() {
		t.Run(s.Status, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, string(s.Example), "explain", "--status", itoa(s.HTTPStatus))
			assert.Contains(t, stdout, "documented error: "+itoa(s.Code)+" "+s.Type)
			assert.Contains(t, stdout, "published example under the "+itoa(s.Code)+" heading")
			if id, ok := erratumOf[s.Code]; ok {
				assert.Equal(t, exitBroken, code, "the example disagrees with its heading")
				assert.Contains(t, stdout, "erratum "+itoa(id)+":")
				assert.Contains(t, stdout, "differs from the documentation")
				assert.Contains(t, stderr, "departs from the documentation")
			} else {
				assert.Equal(t, exitOK, code, stdout)
				assert.Contains(t, stdout, "matches the documentation exactly")
			}
		})
	}
}

func TestExplain_retryAdvice(t *testing.T) {
	t.Parallel()
	_, stdout, _ := cli(t, `{"status":"429 VelocityConstraint","errorCode":42901,"message":"Cannot initiate verification to the same number too quickly"}`, "explain")
	assert.Contains(t, stdout, "retry: yes")
	_, stdout, _ = cli(t, `{"status":"400 MissingParameter","errorCode":40002,"message":"Endpoint parameter is missing."}`, "explain", "--status", "400")
	assert.Contains(t, stdout, "retry: no")
}

func TestExplain_departures(t *testing.T) {
	t.Parallel()
	code, stdout, _ := cli(t, `{"status":"400 MissingParameter","errorCode":"40002","message":"Endpoint parameter is missing."}`, "explain", "--status", "500")
	assert.Equal(t, exitBroken, code)
	assert.Contains(t, stdout, "code-as-string")
	assert.Contains(t, stdout, "erratum 5")
	assert.Contains(t, stdout, "HTTP 500, documented 400")
}

func TestExplain_badInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"nothing", "", nil, "stdin is empty"},
		{"whitespace", " \n\t", nil, "stdin is empty"},
		{"garbage", "<html><body>502 Bad Gateway</body></html>", nil, "not an error body: not JSON"},
		{"json array", `[1,2,3]`, nil, "not an object"},
		{"10 MB", strings.Repeat("x", 10<<20), nil, "more than 1048576 bytes"},
		{"status out of range", `{"errorCode":40002}`, []string{"--status", "999"}, "--status 999"},
		{"status not a number", `{"errorCode":40002}`, []string{"--status", "abc"}, "-status"},
		{"extra argument", `{"errorCode":40002}`, []string{"body.json"}, `unexpected argument "body.json"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, tt.stdin, append([]string{"explain"}, tt.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.want)
			assert.Empty(t, stdout)
		})
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	assert.Equal(t, exitOK, exitCode(nil))
	assert.Equal(t, exitOK, exitCode(errHelp))
	assert.Equal(t, exitUsage, exitCode(usagef("--x: bad")))
	assert.Equal(t, exitBroken, exitCode(errContractBroken))
	assert.Equal(t, exitUnreachable, exitCode(errUnreachable))
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestReadme_catalogTableMatchesTheCatalog(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for _, s := range contracts.DefaultCatalog().Errors() {
		magic := "-"
		if s.Magic != "" {
			magic = "`" + s.Magic + "`"
		}
		row := "| " + itoa(s.Code) + " | " + itoa(s.HTTPStatus) + " | `" + s.Status + "` | " + string(s.Trigger) + " | " + magic + " | " + strings.Join(s.Messages, " / ") + " |"
		assert.Contains(t, string(readme), row, "README's catalog table is stale for %d", s.Code)
	}
}
