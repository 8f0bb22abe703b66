package workflows

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The workflows are read with a reader for the subset of YAML they use
// (mappings, lists of steps, | blocks). It predates go.yaml.in/yaml/v3 in
// go.mod (cmd/vcheck's --config reads YAML with it); moving to it would
// shorten this file and is left for later. A file it cannot read fails the test
// (a step or a key not found), so a misreading cannot pass silently.

// step is one step of a job.
type step struct {
	id, name, uses, cond, run, shell string
	env                              []kv // in file order
	with                             []kv // in file order
}

type kv struct{ key, value string }

// job is one job of a workflow.
type job struct {
	name    string
	cond    string // if:
	needs   string // needs:, as written
	env     []kv
	outputs []kv
	steps   []step
	// strategy holds strategy:'s scalars (fail-fast, max-parallel);
	// matrix each matrix: key's list of values.
	strategy []kv
	matrix   map[string][]string
}

func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

func blank(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || strings.HasPrefix(t, "#")
}

// body returns the lines after lines[i] that are indented deeper than
// lines[i] (blank lines and comments inside included).
func body(lines []string, i int) []string {
	in := indentOf(lines[i])
	j := i + 1
	for j < len(lines) && (strings.TrimSpace(lines[j]) == "" || indentOf(lines[j]) > in) {
		j++
	}
	return lines[i+1 : j]
}

// keyValue splits "key: value" (after the indentation).
func keyValue(line string) (string, string, bool) {
	k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
	return k, strings.TrimSpace(v), ok
}

// mapping reads the "key: value" lines of a block at its first indentation.
func mapping(lines []string) []kv {
	var out []kv
	in := -1
	for _, l := range lines {
		if blank(l) {
			continue
		}
		if in < 0 {
			in = indentOf(l)
		}
		if indentOf(l) != in {
			continue
		}
		if k, v, ok := keyValue(l); ok {
			out = append(out, kv{k, v})
		}
	}
	return out
}

// readJob reads job name of the workflow file at path.
func readJob(t *testing.T, path, name string) job {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	start := -1
	for i, l := range lines {
		if l == "  "+name+":" {
			start = i
			break
		}
	}
	require.GreaterOrEqual(t, start, 0, "%s: no job %q", path, name)
	j := job{name: name}
	jb := body(lines, start)
	for i, l := range jb {
		if blank(l) || indentOf(l) != 4 {
			continue
		}
		if k, v, _ := keyValue(l); v != "" {
			switch k {
			case "if":
				j.cond = v
			case "needs":
				j.needs = v
			}
		}
		switch strings.TrimSpace(l) {
		case "strategy:":
			sb := body(jb, i)
			j.strategy = mapping(sb)
			for k, sl := range sb {
				if strings.TrimSpace(sl) == "matrix:" {
					j.matrix = map[string][]string{}
					for _, e := range mapping(body(sb, k)) {
						list := strings.TrimSuffix(strings.TrimPrefix(e.value, "["), "]")
						for _, v := range strings.Split(list, ",") {
							j.matrix[e.key] = append(j.matrix[e.key], unquote(strings.TrimSpace(v)))
						}
					}
				}
			}
		case "env:":
			j.env = mapping(body(jb, i))
		case "outputs:":
			j.outputs = mapping(body(jb, i))
		case "steps:":
			j.steps = readSteps(body(jb, i))
		}
	}
	require.NotEmpty(t, j.steps, "%s: job %q has no steps", path, name)
	return j
}

// readSteps reads a list of steps ("- key: value" items), at whatever
// indentation its first item has (6 in a workflow, 4 in action.yml).
func readSteps(lines []string) []step {
	var items [][]string
	item := -1
	for _, l := range lines {
		t := strings.TrimLeft(l, " ")
		if item < 0 && strings.HasPrefix(t, "- ") {
			item = indentOf(l)
		}
		if strings.HasPrefix(t, "- ") && indentOf(l) == item {
			items = append(items, []string{strings.Repeat(" ", item+2) + t[2:]})
			continue
		}
		if len(items) > 0 {
			items[len(items)-1] = append(items[len(items)-1], l)
		}
	}
	var steps []step
	for _, it := range items {
		var s step
		for i, l := range it {
			if blank(l) || indentOf(l) != item+2 {
				continue
			}
			k, v, _ := keyValue(l)
			switch k {
			case "id":
				s.id = v
			case "name":
				s.name = v
			case "uses":
				s.uses = v
			case "if":
				s.cond = v
			case "shell":
				s.shell = v
			case "env":
				s.env = mapping(body(it, i))
			case "with":
				s.with = mapping(body(it, i))
			case "run":
				if v == "|" {
					s.run = dedent(body(it, i))
				} else {
					s.run = v + "\n"
				}
			}
		}
		steps = append(steps, s)
	}
	return steps
}

func dedent(lines []string) string {
	in := -1
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && (in < 0 || indentOf(l) < in) {
			in = indentOf(l)
		}
	}
	var b strings.Builder
	for _, l := range lines {
		if len(l) >= in {
			l = l[in:]
		}
		b.WriteString(strings.TrimRight(l, " ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func (j job) step(t *testing.T, id string) step {
	t.Helper()
	for _, s := range j.steps {
		if s.id == id {
			return s
		}
	}
	require.Failf(t, "no step", "job %q has no step with id %q", j.name, id)
	return step{}
}

// expr matches one ${{ ... }} expression.
var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// resolve replaces each ${{ expression }} in v by its value in ctx. An
// expression ctx does not know fails the test: the simulation must not
// guess what GitHub would substitute.
func resolve(t *testing.T, v string, ctx map[string]string) string {
	t.Helper()
	return expr.ReplaceAllStringFunc(v, func(m string) string {
		e := expr.FindStringSubmatch(m)[1]
		val, ok := ctx[e]
		if !ok && strings.HasPrefix(e, "steps.") {
			return "" // a step's output that was never set is empty
		}
		require.True(t, ok, "expression %q has no value in the simulation", e)
		return val
	})
}

// run is a run of one job, as the runner would make it: steps in order, a
// step without if: only while the job succeeds, if: always() in any case.
type run struct {
	t   *testing.T
	dir string // working directory (the checkout)
	// env is the process environment of every step (PATH, RUNNER_TEMP...).
	env []string
	ctx map[string]string
	// status is job.status: success until a step fails; a test sets
	// cancelled to stand for a cancellation.
	status string
	// exec lists the ids of the steps whose script runs; other steps
	// (checkout, setup-go, the build, uploads) pass without running.
	exec map[string]bool
	// fail and cancelAfter are ids: that step fails instead of running, or
	// the job is cancelled once it has run.
	fail, cancelAfter string
	// stdout collects every step's output, for messages.
	stdout strings.Builder
	// exits holds each executed step's exit status.
	exits map[string]int
	// ran lists the ids of the steps whose if: held, in order ("" for a
	// step without an id), executed or not.
	ran []string
	// inner holds the run of the action behind each uses: ./ step.
	inner map[string]*run
	// artifacts is the run's artifact store (a directory of one directory
	// per artifact, shared by the runs of one workflow run): when set,
	// upload-artifact and download-artifact steps copy to and from it.
	artifacts string
}

func (r *run) job(j job) {
	t := r.t
	t.Helper()
	if r.status == "" {
		r.status = "success"
	}
	r.exits = map[string]int{}
	r.inner = map[string]*run{}
	jobEnv := map[string]string{}
	for _, e := range j.env {
		jobEnv[e.key] = resolve(t, e.value, r.ctx)
	}
	for _, s := range j.steps {
		if !r.cond(s) {
			continue
		}
		r.ran = append(r.ran, s.id)
		switch {
		case s.id != "" && s.id == r.fail:
			r.failed()
		case r.artifacts != "" && strings.HasPrefix(s.uses, "actions/upload-artifact@"):
			r.upload(s)
		case r.artifacts != "" && strings.HasPrefix(s.uses, "actions/download-artifact@"):
			r.download(s)
		case s.uses == "./" && r.exec[s.id]:
			r.local(s)
		case s.run != "" && r.exec[s.id]:
			r.step(s, jobEnv)
		}
		if s.id != "" && s.id == r.cancelAfter {
			r.status = "cancelled"
		}
	}
}

// cond says whether step s runs: the terms of its if: joined by &&, each
// always(), success(), or "X == 'v'" / "X != 'v'"; without always() the
// step runs only while the job succeeds, as GitHub adds success() then.
func (r *run) cond(s step) bool {
	t := r.t
	t.Helper()
	if s.cond == "" {
		return r.status == "success"
	}
	ok, always := true, false
	for _, term := range strings.Split(s.cond, " && ") {
		term = strings.TrimSpace(term)
		switch {
		case term == "always()":
			always = true
		case term == "success()":
			ok = ok && r.status == "success"
		case strings.Contains(term, " == ") || strings.Contains(term, " != "):
			op := " == "
			if strings.Contains(term, " != ") {
				op = " != "
			}
			x, lit, _ := strings.Cut(term, op)
			require.True(t, strings.HasPrefix(lit, "'") && strings.HasSuffix(lit, "'"), "step %q: if: %s (the simulation compares with 'literals' only)", s.id, s.cond)
			v := resolve(t, "${{ "+x+" }}", r.ctx)
			ok = ok && (v == strings.Trim(lit, "'")) == (op == " == ")
		default:
			require.Failf(t, "unsupported if", "step %q: if: %s (the simulation knows always(), success(), == and !=)", s.id, s.cond)
		}
	}
	return ok && (always || r.status == "success")
}

// local runs the repository's own action (uses: ./) as the step s: its
// steps in a run of their own, with its inputs from s's with: (and the
// declared defaults), steps outputs of their own, and the action's outputs
// as s's; a failed step of the action fails s. The action's run steps all
// execute; r.fail names a step of the action too.
func (r *run) local(s step) {
	t := r.t
	t.Helper()
	a := readAction(t, "../../action.yml")
	with := map[string]string{}
	for _, w := range s.with {
		with[w.key] = resolve(t, unquote(w.value), r.ctx)
	}
	in := a.run(t, r.dir, r.env, with)
	in.fail = r.fail
	in.artifacts = r.artifacts
	in.job(job{name: "action", steps: a.steps})
	r.inner[s.id] = in
	r.stdout.WriteString(in.stdout.String())
	for k, v := range in.outputs(job{outputs: a.outputs}) {
		r.ctx["steps."+s.id+".outputs."+k] = v
	}
	if in.status != "success" {
		r.failed()
	}
}

// unquote strips YAML's quotes from a scalar ("400" is 400).
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		return v[1 : len(v)-1]
	}
	return v
}

// step runs one step as GitHub's shell: bash does (bash --noprofile --norc
// -eo pipefail), with a fresh GITHUB_OUTPUT whose lines become
// steps.ID.outputs.KEY.
func (r *run) step(s step, jobEnv map[string]string) {
	t := r.t
	t.Helper()
	ctx := r.ctx
	ctx["job.status"] = r.status
	script := filepath.Join(t.TempDir(), "step.sh")
	require.NoError(t, os.WriteFile(script, []byte(s.run), 0o644))
	output := filepath.Join(t.TempDir(), "output")
	require.NoError(t, os.WriteFile(output, nil, 0o644))
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Dir = r.dir
	cmd.Env = append(append([]string{}, r.env...), "GITHUB_OUTPUT="+output)
	for k, v := range jobEnv {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for _, e := range s.env {
		cmd.Env = append(cmd.Env, e.key+"="+resolve(t, e.value, ctx))
	}
	out, err := cmd.CombinedOutput()
	r.stdout.WriteString("== step " + s.id + "\n" + string(out))
	code := 0
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "step %q did not run", s.id)
		code = ee.ExitCode()
		r.failed()
	}
	r.exits[s.id] = code
	f, err := os.Open(output)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && s.id != "" {
			ctx["steps."+s.id+".outputs."+k] = v
		}
	}
	require.NoError(t, sc.Err())
}

// failed records a failed step: the job fails, unless it was cancelled,
// which it stays.
func (r *run) failed() {
	if r.status == "success" {
		r.status = "failure"
	}
}

// outputs resolves the job's outputs after its run.
func (r *run) outputs(j job) map[string]string {
	out := map[string]string{}
	for _, o := range j.outputs {
		out[o.key] = resolve(r.t, o.value, r.ctx)
	}
	return out
}

// withOf resolves step s's with: inputs.
func (r *run) withOf(s step) map[string]string {
	w := map[string]string{}
	for _, e := range s.with {
		w[e.key] = resolve(r.t, unquote(e.value), r.ctx)
	}
	return w
}

// upload stands for actions/upload-artifact: the files under path become
// the artifact name (none when there are none: if-no-files-found warns).
// Names are unique in a run: a second upload of a name fails the test, as
// upload-artifact@v4 fails the step.
func (r *run) upload(s step) {
	t := r.t
	t.Helper()
	w := r.withOf(s)
	require.NotEmpty(t, w["name"], "step %q uploads without a name", s.id)
	src := filepath.Join(r.dir, w["path"])
	dst := filepath.Join(r.artifacts, w["name"])
	_, err := os.Stat(dst)
	require.True(t, os.IsNotExist(err), "artifact %q is uploaded twice in one run", w["name"])
	copyTree(t, src, dst)
}

// download stands for actions/download-artifact@v4 with pattern and path:
// each artifact whose name matches in a directory of its own under path,
// or all in path itself with merge-multiple (a later file of the same name
// overwrites an earlier one, as there).
func (r *run) download(s step) {
	t := r.t
	t.Helper()
	w := r.withOf(s)
	pattern := w["pattern"]
	require.NotEmpty(t, pattern, "step %q: the simulation downloads by pattern only", s.id)
	entries, err := os.ReadDir(r.artifacts)
	require.NoError(t, err)
	dst := filepath.Join(r.dir, w["path"])
	require.NoError(t, os.MkdirAll(dst, 0o755))
	for _, e := range entries {
		ok, err := filepath.Match(pattern, e.Name())
		require.NoError(t, err)
		if !ok {
			continue
		}
		to := filepath.Join(dst, e.Name())
		if w["merge-multiple"] == "true" {
			to = dst
		}
		copyTree(t, filepath.Join(r.artifacts, e.Name()), to)
	}
}

// copyTree copies the files under src to dst (nothing when src does not
// exist or holds no file).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if _, err := os.Stat(src); os.IsNotExist(err) {
		return
	}
	require.NoError(t, filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	}))
}

// jobRuns says whether a job with if: cond runs after jobs that ended
// with results: without if:, only when every needed job succeeded (GitHub
// adds success()); always() in any case; !cancelled() unless one was
// cancelled. Other conditions fail the test.
func jobRuns(t *testing.T, cond string, results ...string) bool {
	t.Helper()
	cond = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(cond, "${{"), "}}"))
	switch cond {
	case "":
		for _, r := range results {
			if r != "success" {
				return false
			}
		}
		return true
	case "always()":
		return true
	case "!cancelled()":
		for _, r := range results {
			if r == "cancelled" {
				return false
			}
		}
		return true
	}
	require.Failf(t, "unsupported job if", "if: %s (the simulation knows always() and !cancelled())", cond)
	return false
}

// matrixResult is needs.JOB.result of a matrix job: failure when a
// shard failed, else cancelled when one was cancelled, else success.
func matrixResult(results []string) string {
	out := "success"
	for _, r := range results {
		switch r {
		case "failure":
			return "failure"
		case "cancelled":
			out = "cancelled"
		}
	}
	return out
}

// withOf returns the step's with: as written (unresolved).
func (s step) withOf(t *testing.T) map[string]string {
	t.Helper()
	w := map[string]string{}
	for _, e := range s.with {
		w[e.key] = unquote(e.value)
	}
	return w
}
