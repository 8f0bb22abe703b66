package workflows

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fake credentials: neither may reach a report, the summary or an
// output; base64 of the pair is what a Basic header holds.
const (
	fakeKey    = "fake-key-3f9a"
	fakeSecret = "fake-secret-7c2e"
)

// runAction runs action.yml's steps in a sandbox as the runner would, with
// the given inputs (target and the fake credentials unless overridden),
// and returns the run and the action's outputs.
func runAction(t *testing.T, sb sandbox, with map[string]string) (*run, map[string]string) {
	t.Helper()
	a := readAction(t, "../../action.yml")
	inputs := map[string]string{"target": "https://api.test", "key": fakeKey, "secret": fakeSecret, "report-dir": "reports"}
	for k, v := range with {
		inputs[k] = v
	}
	r := a.run(t, sb.dir, sb.env, inputs)
	r.job(job{name: "action", steps: a.steps})
	return r, r.outputs(job{outputs: a.outputs})
}

func readSummary(t *testing.T, sb sandbox) string {
	t.Helper()
	b, err := os.ReadFile(sb.summary)
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(t, err)
	return string(b)
}

// TestAction_eachExitCode runs the action for each of vcheck's exit codes,
// a crash and runs that wrote no JSON, and checks what reaches the
// outputs, the summary and the step's own exit status.
func TestAction_eachExitCode(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name    string
		code    int
		env     []string // FAKE_* for the fake vcheck
		stale   bool     // a JSON report of an earlier run is in report-dir
		verdict string
		reason  string // "" when none is recorded
		json    bool   // the json output names a file
		md      bool   // the Markdown report reaches the summary
	}{
		{name: "0 pass", code: 0, verdict: "pass", reason: "fake reason for pass", json: true, md: true},
		{name: "1 broken", code: 1, verdict: "broken", reason: "fake reason for broken", json: true, md: true},
		{name: "2 config", code: 2, verdict: "config", reason: "fake reason for config", json: true, md: true},
		{name: "3 unreachable", code: 3, verdict: "unreachable", reason: "fake reason for unreachable", json: true, md: true},
		{name: "3 unjudged, which only the JSON tells", code: 3, env: []string{"FAKE_VERDICT=unjudged"}, verdict: "unjudged", reason: "fake reason for unjudged", json: true, md: true},
		{name: "134 crash writes nothing", code: 134, env: []string{"FAKE_NO_JSON=1", "FAKE_NO_MD=1", "FAKE_NO_JUNIT=1"}, verdict: "crashed"},
		{name: "1 without JSON is derived from the code", code: 1, env: []string{"FAKE_NO_JSON=1"}, verdict: "broken", md: true},
		{name: "3 without JSON is derived from the code", code: 3, env: []string{"FAKE_NO_JSON=1", "FAKE_NO_MD=1", "FAKE_NO_JUNIT=1"}, verdict: "unreachable"},
		{name: "a JSON that contradicts the code is not believed", code: 1, env: []string{"FAKE_VERDICT=pass"}, verdict: "broken", json: true, md: true},
		{name: "a stale JSON from an earlier run is not read", code: 1, env: []string{"FAKE_NO_JSON=1"}, stale: true, verdict: "broken", md: true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			code := strconv.Itoa(row.code)
			sb := newSandbox(t, code, "").with(row.env...)
			if row.stale {
				require.NoError(t, os.MkdirAll(filepath.Join(sb.dir, "reports"), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(sb.dir, "reports", "vcheck.json"),
					[]byte(`{"summary":{"verdict":"pass","reason":"an earlier run"}}`), 0o644))
			}
			r, out := runAction(t, sb, nil)
			log := r.stdout.String()

			assert.Equal(t, code, out["exit-code"], "exit-code\n%s", log)
			assert.Equal(t, row.verdict, out["verdict"], "verdict\n%s", log)
			assert.Equal(t, row.reason, out["reason"], "reason")
			assert.Equal(t, 0, r.exits["run"], "the run step records the code and succeeds\n%s", log)
			assert.Equal(t, row.code, r.exits["finish"], "the last step ends with vcheck's code\n%s", log)
			assert.Equal(t, "finish", r.ran[len(r.ran)-1], "the code ends the action after everything else")
			assert.Contains(t, r.ran, "summary")
			assert.Contains(t, r.ran, "upload", "the reports are uploaded whatever the code")
			if row.code == 0 {
				assert.Equal(t, "success", r.status)
			} else {
				assert.Equal(t, "failure", r.status)
				assert.Contains(t, log, "::error title=vcheck exited "+code+" ("+row.verdict+")::")
			}

			path := func(ok bool, p string) string {
				if ok {
					return p
				}
				return ""
			}
			assert.Equal(t, path(row.json, "reports/vcheck.json"), out["json"], "json")
			assert.Equal(t, path(row.md, "reports/vcheck.md"), out["markdown"], "markdown")
			noJunit := strings.Contains(strings.Join(row.env, " "), "FAKE_NO_JUNIT")
			assert.Equal(t, path(!noJunit, "reports/vcheck.xml"), out["junit"], "junit")
			// The HTML report is on by default; its output names it only when
			// it was written (the fake writes it unless it crashed).
			if out["html"] != "" {
				assert.Equal(t, "reports/vcheck.html", out["html"])
				assert.FileExists(t, filepath.Join(sb.dir, out["html"]))
			}
			if row.code != 134 {
				assert.NotEmpty(t, out["html"], "the HTML report by default")
			}
			assert.Equal(t, "vcheck-reports", out["artifact-name"])

			summary := readSummary(t, sb)
			if row.md {
				assert.Equal(t, "# vcheck report\n", summary)
			} else {
				assert.Contains(t, summary, "## vcheck: "+row.verdict+" (exit "+code+")")
				assert.Contains(t, summary, "no Markdown report")
			}

			assert.Equal(t, "crash\n", sb.read(t, ".traceback"), "vcheck runs with GOTRACEBACK=crash")
			assert.Equal(t, "key="+fakeKey+" secret="+fakeSecret+"\n", sb.read(t, ".creds"), "the credentials reach vcheck in its environment")
			basic := base64.StdEncoding.EncodeToString([]byte(fakeKey + ":" + fakeSecret))
			mask := strings.Index(log, "::add-mask::"+basic+"\n")
			require.GreaterOrEqual(t, mask, 0, "the Basic header is masked\n%s", log)
			assert.Less(t, mask, strings.Index(log, "fake vcheck ran"), "masked before vcheck runs")

			for _, secret := range []string{fakeSecret, basic} {
				assert.NotContains(t, summary, secret, "the summary")
				assert.NotContains(t, sb.read(t, ".args"), secret, "vcheck's flags (ps shows them)")
				for k, v := range r.ctx {
					if strings.HasPrefix(k, "steps.") {
						assert.NotContains(t, v, secret, "output %s", k)
					}
				}
			}
		})
	}
}

// TestAction_summaryCap: a Markdown report over the cap reaches the step
// summary cut well under 1 MiB (GitHub drops a larger one silently), with
// a note that says where the rest is; job-summary: false writes none.
func TestAction_summaryCap(t *testing.T) {
	t.Parallel()
	t.Run("cut", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "1", "").with("FAKE_MD_BYTES=2000000")
		r, _ := runAction(t, sb, nil)
		summary := readSummary(t, sb)
		assert.Less(t, len(summary), 920000, "%s", r.stdout.String())
		assert.Equal(t, strings.Repeat("x", 900000), summary[:900000], "the first 900000 bytes, as the workflows cap it")
		assert.Contains(t, summary[900000:], "full report is in the uploaded artifact")
	})
	t.Run("under the cap", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "0", "").with("FAKE_MD_BYTES=900000")
		runAction(t, sb, nil)
		assert.Equal(t, strings.Repeat("x", 900000), readSummary(t, sb), "whole, with no note")
	})
	t.Run("job-summary false", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "1", "")
		r, out := runAction(t, sb, map[string]string{"job-summary": "false"})
		assert.Empty(t, readSummary(t, sb))
		assert.Equal(t, 1, r.exits["finish"])
		assert.Equal(t, "reports/vcheck.md", out["markdown"], "the report is still written")
	})
}

// TestAction_inputsBecomeFlags: each input reaches vcheck as its flag, the
// HTML report is asked for when html is true, a shard gets an artifact
// name of its own, and the build uses the action's own caches.
func TestAction_inputsBecomeFlags(t *testing.T) {
	t.Parallel()
	sb := newSandbox(t, "0", "")
	r, out := runAction(t, sb, map[string]string{
		"budget": "400", "rate": "2", "cases": "10", "seed": "20261129", "errata": "strict",
		"require-codes": "all", "baseline": "testdata/baseline.json", "shard": "2/4",
		"html": "true", "args": "--timeout 5s  --skip 50300",
	})
	require.Equal(t, "success", r.status, "%s", r.stdout.String())
	assert.Equal(t, "run --target https://api.test --json reports/vcheck.json --junit reports/vcheck.xml --markdown reports/vcheck.md"+
		" --html reports/vcheck.html --budget 400 --rate 2 --cases 10 --seed 20261129 --errata strict --require-codes all"+
		" --baseline testdata/baseline.json --shard 2/4 --timeout 5s --skip 50300\n", sb.read(t, ".args"))
	assert.Equal(t, "reports/vcheck.html", out["html"])
	assert.Equal(t, "vcheck-reports-shard-2-of-4", out["artifact-name"])
	assert.Equal(t, "1.26", r.ctx["steps.prepare.outputs.go-version"], "the go directive of the action's go.mod, MAJOR.MINOR")
	assert.Regexp(t, `^vcheck-action-Linux-X64-go1\.26-[0-9a-f]{16}$`, r.ctx["steps.prepare.outputs.cache-key"])
	goLog := sb.read(t, ".go")
	assert.Contains(t, goLog, "build -trimpath -o ")
	assert.Contains(t, goLog, "GOMODCACHE="+r.ctx["steps.prepare.outputs.cache-dir"]+"/mod ")
	assert.Contains(t, goLog, "GOFLAGS=\n", "the user's GOFLAGS do not reach the build")

	t.Run("go-version and artifact-name", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "0", "")
		r, out := runAction(t, sb, map[string]string{"go-version": "1.27", "artifact-name": "mine", "shard": "1/2"})
		assert.Equal(t, "1.27", r.ctx["steps.prepare.outputs.go-version"])
		assert.Equal(t, "mine", out["artifact-name"])
	})
}

// TestAction_notRun: an empty target is a configuration error (2), never a
// run against the embedded mock; a failed build records no code and the
// action fails with a message that says vcheck did not run.
func TestAction_notRun(t *testing.T) {
	t.Parallel()
	t.Run("empty target", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "0", "")
		r, out := runAction(t, sb, map[string]string{"target": ""})
		assert.Empty(t, sb.read(t, ".args"), "vcheck is not run")
		assert.Equal(t, "2", out["exit-code"])
		assert.Equal(t, "config", out["verdict"])
		assert.Equal(t, 2, r.exits["finish"])
		assert.Contains(t, r.stdout.String(), "target input is empty")
	})
	t.Run("build fails", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "0", "").with("FAKE_BUILD_FAIL=1")
		r, out := runAction(t, sb, nil)
		assert.Empty(t, sb.read(t, ".args"), "vcheck is not run")
		assert.Empty(t, out["exit-code"])
		assert.Equal(t, "failure", r.status)
		assert.Equal(t, 1, r.exits["finish"])
		assert.NotContains(t, r.ran, "run")
		assert.NotContains(t, r.ran, "upload", "nothing to upload")
		assert.Contains(t, r.stdout.String(), "vcheck did not run")
		assert.Contains(t, readSummary(t, sb), "vcheck did not run")
	})
	t.Run("upload false", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "1", "")
		r, _ := runAction(t, sb, map[string]string{"upload": "false"})
		assert.NotContains(t, r.ran, "upload")
		assert.Equal(t, 1, r.exits["finish"])
	})
}

// TestActionYML_conventions checks action.yml against the conventions of
// docs/ci (shared): every run step declares its shell, no expression is
// interpolated into a script, every input the script reads is set from a
// declared input, every declared input is used, and every output maps to
// a step output that a step before it writes.
func TestActionYML_conventions(t *testing.T) {
	t.Parallel()
	a := readAction(t, "../../action.yml")
	script, err := os.ReadFile("../../scripts/action.sh")
	require.NoError(t, err)
	raw, err := os.ReadFile("../../action.yml")
	require.NoError(t, err)

	declared := map[string]bool{}
	for _, in := range a.inputs {
		declared[in.key] = true
	}
	ids := map[string]int{}
	setEnv := map[string]string{} // INPUT_X -> the input it is set from
	inputExpr := regexp.MustCompile(`\$\{\{\s*inputs\.([a-z0-9-]+)\s*\}\}`)
	for i, s := range a.steps {
		if s.id != "" {
			ids[s.id] = i
		}
		if s.run != "" {
			assert.NotEmpty(t, s.shell, "step %q runs a script without shell:", s.name)
			assert.NotContains(t, s.run, "${{", "step %q interpolates an expression into its script: pass it through env:", s.name)
		}
		for _, e := range s.env {
			if m := inputExpr.FindStringSubmatch(e.value); m != nil && strings.HasPrefix(e.key, "INPUT_") {
				setEnv[e.key] = m[1]
				assert.Equal(t, "INPUT_"+strings.ToUpper(strings.ReplaceAll(m[1], "-", "_")), e.key, "the variable is named for its input")
			}
		}
	}
	for _, m := range regexp.MustCompile(`INPUT_[A-Z0-9_]+`).FindAllString(string(script), -1) {
		in, ok := setEnv[m]
		if assert.True(t, ok, "scripts/action.sh reads %s, which no step's env: sets from an input", m) {
			assert.True(t, declared[in], "%s is set from undeclared input %q", m, in)
		}
	}
	for _, m := range regexp.MustCompile(`inputs\.([a-z0-9-]+)`).FindAllStringSubmatch(string(raw), -1) {
		assert.True(t, declared[m[1]], "action.yml reads undeclared input %q", m[1])
	}
	for in := range declared {
		assert.Contains(t, string(raw), "inputs."+in, "input %q is declared but never used", in)
	}
	// A merge has no target; a run with an empty one is a configuration
	// error at run time (TestAction_notRun).
	assert.False(t, a.required["target"], "target is not required: merge mode has none")

	stepOut := regexp.MustCompile(`^\$\{\{\s*steps\.([a-z0-9-]+)\.outputs\.([a-z0-9-]+)\s*\}\}$`)
	for _, o := range a.outputs {
		m := stepOut.FindStringSubmatch(o.value)
		if !assert.NotNil(t, m, "output %q is not a step output: %s", o.key, o.value) {
			continue
		}
		_, ok := ids[m[1]]
		assert.True(t, ok, "output %q reads step %q, which does not exist", o.key, m[1])
	}
	// Every step output read anywhere is written by an earlier step.
	for _, m := range regexp.MustCompile(`steps\.([a-z0-9-]+)\.outputs\.`).FindAllStringSubmatch(string(raw), -1) {
		_, ok := ids[m[1]]
		assert.True(t, ok, "action.yml reads outputs of step %q, which does not exist", m[1])
	}

	// And the outputs exist at run time: a run with every report writes
	// each step output the outputs name.
	sb := newSandbox(t, "0", "")
	r, _ := runAction(t, sb, map[string]string{"html": "true"})
	for _, o := range a.outputs {
		m := stepOut.FindStringSubmatch(o.value)
		if m == nil {
			continue
		}
		v, ok := r.ctx["steps."+m[1]+".outputs."+m[2]]
		assert.True(t, ok, "output %q: step %q wrote no %q", o.key, m[1], m[2])
		if o.key != "reason" {
			assert.NotEmpty(t, v, "output %q is empty after a full run", o.key)
		}
	}
}

// TestAction_merge: with merge set the action runs vcheck merge over the
// shard reports under the directory, with no target and no credentials;
// a directory that is not there is a configuration error, and a merge with
// no shard's report or code at all is incomplete (no code, finish fails
// and says so).
func TestAction_merge(t *testing.T) {
	t.Parallel()
	shard := func(t *testing.T, sb sandbox, i string) {
		d := filepath.Join(sb.dir, "in", "vcheck-reports-shard-"+i+"-of-2")
		require.NoError(t, os.MkdirAll(d, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, "vcheck.json"), []byte(`{"summary":{"shard":"`+i+`/2","verdict":"pass"}}`), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(d, "vcheck.exit-code"), []byte("0\n"), 0o644))
	}
	t.Run("merges", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "0", "").with("FAKE_MERGE_CODE=1")
		shard(t, sb, "1")
		shard(t, sb, "2")
		r, out := runAction(t, sb, map[string]string{"merge": "in/", "target": "", "key": "", "secret": "", "html": "true"})
		assert.Equal(t, "merge in/vcheck-reports-shard-1-of-2/vcheck.json in/vcheck-reports-shard-2-of-2/vcheck.json"+
			" --json reports/vcheck.json --junit reports/vcheck.xml --markdown reports/vcheck.md --html reports/vcheck.html\n", sb.read(t, ".args"))
		assert.Equal(t, "1", out["exit-code"], "%s", r.stdout.String())
		assert.Equal(t, "broken", out["verdict"])
		assert.Equal(t, "vcheck-reports", out["artifact-name"])
		assert.Equal(t, 1, r.exits["finish"])
		assert.Equal(t, "1\n", sb.readFile(t, "reports/vcheck.exit-code"))
		assert.Equal(t, "# vcheck report\n", readSummary(t, sb))
	})
	t.Run("not a directory", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "0", "")
		r, out := runAction(t, sb, map[string]string{"merge": "nowhere", "target": ""})
		assert.Empty(t, sb.read(t, ".args"), "vcheck is not run")
		assert.Equal(t, "2", out["exit-code"])
		assert.Equal(t, 2, r.exits["finish"])
	})
	t.Run("nothing to merge", func(t *testing.T) {
		t.Parallel()
		sb := newSandbox(t, "0", "")
		require.NoError(t, os.MkdirAll(filepath.Join(sb.dir, "in"), 0o755))
		r, out := runAction(t, sb, map[string]string{"merge": "in", "target": ""})
		assert.Empty(t, out["exit-code"], "%s", r.stdout.String())
		assert.Equal(t, "incomplete", out["verdict"])
		assert.Equal(t, 1, r.exits["finish"])
		assert.Contains(t, r.stdout.String(), "the merge is incomplete: no shard left a report or an exit code, so every shard left neither a report nor an exit code")
		assert.Contains(t, readSummary(t, sb), "## vcheck: incomplete")
	})
}
