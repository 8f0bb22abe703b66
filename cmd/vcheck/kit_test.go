package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/kit"
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

// TestKitVerdict: the one summary line and the exit code it names, per
// exit path.
func TestKitVerdict(t *testing.T) {
	t.Parallel()
	res := func(id string, level kit.Level, cell kit.Cell, known bool, fault kit.FaultKind) kit.Result {
		r := kit.Result{ID: id, Level: level, Verdict: kit.Verdict{Cell: cell}, KnownFailing: known}
		if fault != "" {
			r.Fault = &kit.Fault{Kind: fault}
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		results []kit.Result
		code    int
		line    string
	}{
		{"every must passes", []kit.Result{res("s.a", "must", "✓", false, ""), res("s.b", "must", "~", false, ""), res("s.c", "must", "N/A", false, "")},
			exitOK, "vcheck kit: 3 scenarios: 1 pass, 0 fail, 1 partial, 1 n/a; exit 0"},
		{"a should failure does not fail the run", []kit.Result{res("s.a", "must", "✓", false, ""), res("s.b", "should", "✗", false, "")},
			exitOK, "vcheck kit: 2 scenarios: 1 pass, 1 fail; exit 0"},
		{"a known must failure does not fail the run", []kit.Result{res("s.a", "must", "✓", false, ""), res("s.b", "must", "✗", true, "")},
			exitOK, "vcheck kit: 2 scenarios: 1 pass, 1 fail (1 known); exit 0"},
		{"a known failure that passes is named", []kit.Result{res("s.a", "must", "✓", true, "")},
			exitOK, "vcheck kit: 1 scenarios: 1 pass, 0 fail; exit 0; known failing but passed (remove from --known-failing): s.a"},
		{"an unknown must failure", []kit.Result{res("s.a", "must", "✗", false, ""), res("s.b", "must", "✗", false, ""), res("s.c", "must", "✗", true, ""), res("s.d", "must", "✓", false, "")},
			exitBroken, "vcheck kit: 4 scenarios: 1 pass, 3 fail (1 known); exit 1: must-level failures not in --known-failing: s.a, s.b"},
		{"a failure outranks a scenario without a verdict", []kit.Result{res("s.a", "must", "✗", false, ""), res("s.b", "must", "!", false, "timeout")},
			exitBroken, "vcheck kit: 2 scenarios: 0 pass, 1 fail, 1 invalid (1 timeout); exit 1: must-level failures not in --known-failing: s.a; must-level scenarios without a verdict: s.b"},
		{"a must timeout is no pass", []kit.Result{res("s.a", "must", "✓", false, ""), res("s.b", "must", "!", false, "timeout"), res("s.c", "must", "?", false, "")},
			exitUnreachable, "vcheck kit: 3 scenarios: 1 pass, 0 fail, 1 invalid (1 timeout), 1 not run; exit 3; must-level scenarios without a verdict: s.b, s.c"},
		{"a should bad line is reported, not fatal", []kit.Result{res("s.a", "must", "✓", false, ""), res("s.b", "should", "!", false, "bad-line")},
			exitOK, "vcheck kit: 2 scenarios: 1 pass, 0 fail, 1 invalid (1 bad-line); exit 0"},
		{"a known must crash is not fatal", []kit.Result{res("s.a", "must", "✓", false, ""), res("s.b", "must", "!", true, "crash")},
			exitOK, "vcheck kit: 2 scenarios: 1 pass, 0 fail, 1 invalid (1 crash); exit 0"},
		{"nothing judged", []kit.Result{res("s.a", "should", "!", false, "crash"), res("s.b", "info", "N/A", false, "")},
			exitUnreachable, "vcheck kit: 2 scenarios: 0 pass, 0 fail, 1 n/a, 1 invalid (1 crash); exit 3: the run exercised nothing, not a pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := &kit.Report{Results: tc.results}
			rep.Summarize()
			var errOut bytes.Buffer
			err := kitVerdict(rep, &errOut)
			assert.Equal(t, tc.code, exitCode(err))
			got := errOut.String()
			if err != nil {
				got = "vcheck kit: " + err.Error() + "\n" // as run prints it
			}
			assert.Equal(t, tc.line+"\n", got)
		})
	}
}

// TestKit_adapterFaultsEndInOneSummaryLine runs the CLI against shell
// adapters that break the protocol: each run is bounded by the flags, and
// its last line is the summary that names the exit.
func TestKit_adapterFaultsEndInOneSummaryLine(t *testing.T) {
	t.Parallel()
	const caps = `echo '{"sdk":"x","version":"0","supports":{"retry":false}}'`
	for _, tc := range []struct {
		name, script string
		code         int
		last         string
	}{
		{"never answers", caps + `; cat >/dev/null`, exitUnreachable,
			"vcheck kit: 2 scenarios: 0 pass, 0 fail, 2 invalid (2 timeout), 2 adapter restart(s); exit 3: the run exercised nothing, not a pass; must-level scenarios without a verdict: surface.40005, surface.40400"},
		{"prints garbage and keeps running", caps + `; read l; echo "garbage $l"; cat >/dev/null`, exitUnreachable,
			"vcheck kit: 2 scenarios: 0 pass, 0 fail, 2 invalid (2 bad-line), 2 adapter restart(s); exit 3: the run exercised nothing, not a pass; must-level scenarios without a verdict: surface.40005, surface.40400"},
		{"crashes", caps + `; read l; exit 7`, exitUnreachable,
			"vcheck kit: 2 scenarios: 0 pass, 0 fail, 2 invalid (2 crash), 2 adapter restart(s); exit 3: the run exercised nothing, not a pass; must-level scenarios without a verdict: surface.40005, surface.40400"},
		{"never prints its capabilities", `cat >/dev/null`, exitUnreachable,
			"vcheck kit: capabilities line: adapter failed: no line within 300ms (--start-timeout)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			code := run(ctx, []string{"kit", "run", "--only", "surface.40005,surface.40400", "--start-timeout", "300ms", "--scenario-timeout", "300ms", "--", "sh", "-c", tc.script},
				strings.NewReader(""), &out, &errOut)
			require.NoError(t, ctx.Err(), "the run outlived its bound")
			assert.Equal(t, tc.code, code, errOut.String())
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			assert.Equal(t, tc.last, lines[len(lines)-1])
			assert.NotContains(t, out.String()+errOut.String(), "dmNoZWNrIG1vY2sgb25seQ", "the secret the adapter was handed")
		})
	}
}

func TestKit_badTimeoutFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--start-timeout", "0s"}, {"--scenario-timeout", "-1s"}, {"--timeout", "0s"},
	} {
		code, _, stderr := cli(t, "", append(append([]string{"kit", "run"}, args...), "--", "true")...)
		assert.Equal(t, exitUsage, code, args)
		assert.Contains(t, stderr, args[0]+" ", args)
	}
}
