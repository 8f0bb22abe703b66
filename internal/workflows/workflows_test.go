package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeVcheck stands in for the vcheck binary the action builds: it records
// its arguments, GOTRACEBACK and whether the credentials reached it, writes
// the reports it is asked for (a Markdown report of FAKE_MD_BYTES bytes
// when that is set; no JSON with FAKE_NO_JSON, no Markdown with
// FAKE_NO_MD, no JUnit with FAKE_NO_JUNIT; the JSON's verdict is
// FAKE_VERDICT, or the code's; its shard the --shard flag's) and exits
// FAKE_CODE. As vcheck merge it reads the shard of each report given and
// refuses (2, no reports) when a shard of 1..N is missing, as vcheck merge
// does; otherwise it writes the reports and exits FAKE_MERGE_CODE (0).
const fakeVcheck = `#!/usr/bin/env bash
printf '%s\n' "$*" > "$FAKE_LOG.args"
printf '%s\n' "${GOTRACEBACK-unset}" > "$FAKE_LOG.traceback"
printf 'key=%s secret=%s\n' "${SINCH_APPLICATION_KEY:-}" "${SINCH_APPLICATION_SECRET:-}" > "$FAKE_LOG.creds"
echo "fake vcheck ran"
mode=$1
shift
json= md= junit= html= shard= files=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --json) json=$2; shift ;;
    --markdown) md=$2; shift ;;
    --junit) junit=$2; shift ;;
    --html) html=$2; shift ;;
    --shard) shard=$2; shift ;;
    --*) shift ;;
    *) files+=("$1") ;;
  esac
  shift
done
if [ "$mode" = merge ]; then
  want=0 seen=" "
  for f in ${files[@]+"${files[@]}"}; do
    s=$(sed -n 's/.*"shard":"\([0-9]*\/[0-9]*\)".*/\1/p' "$f")
    seen="$seen${s%/*} " want=${s#*/}
  done
  [ "$want" -gt 0 ] || { echo "fake vcheck: no report to merge" >&2; exit 2; }
  for ((i = 1; i <= want; i++)); do
    case "$seen" in *" $i "*) ;; *) echo "fake vcheck: shard(s) $i/$want missing" >&2; exit 2 ;; esac
  done
  FAKE_CODE=${FAKE_MERGE_CODE:-0}
fi
if [ -n "$md" ] && [ -z "${FAKE_NO_MD:-}" ]; then
  if [ -n "${FAKE_MD_BYTES:-}" ]; then
    head -c "$FAKE_MD_BYTES" /dev/zero | tr '\0' x > "$md"
  else
    echo "# vcheck report" > "$md"
  fi
fi
if [ -n "$json" ] && [ -z "${FAKE_NO_JSON:-}" ]; then
  verdict=${FAKE_VERDICT:-}
  if [ -z "$verdict" ]; then
    case "$FAKE_CODE" in 0) verdict=pass ;; 1) verdict=broken ;; 2) verdict=config ;; *) verdict=unreachable ;; esac
  fi
  printf '{"format":9,"cases":[],"summary":{"shard":"%s","verdict":"%s","reason":"fake reason for %s"}}\n' "$shard" "$verdict" "$verdict" > "$json"
fi
[ -z "$junit" ] || [ -n "${FAKE_NO_JUNIT:-}" ] || echo "<testsuites/>" > "$junit"
[ -z "$html" ] || echo "<html></html>" > "$html"
exit "$FAKE_CODE"
`

// fakeGo builds the fake vcheck (go build -o PATH copies it to PATH, or
// fails with FAKE_BUILD_FAIL) and does what go run does with a program
// that fails: it prints "exit status N" and exits 1, whatever N was. Only
// a workflow that still uses go run calls the latter.
const fakeGo = `#!/usr/bin/env bash
printf '%s GOMODCACHE=%s GOCACHE=%s GOFLAGS=%s\n' "$*" "${GOMODCACHE-}" "${GOCACHE-}" "${GOFLAGS-unset}" >> "$FAKE_LOG.go"
if [ "$1" = build ]; then
  [ -z "${FAKE_BUILD_FAIL:-}" ] || { echo "fake go: build failed" >&2; exit 1; }
  while [ "$#" -gt 0 ]; do
    if [ "$1" = -o ]; then cp "$RUNNER_TEMP/vcheck" "$2"; exit 0; fi
    shift
  done
  echo "fake go: build without -o" >&2
  exit 2
fi
if [ "$1" = run ]; then
  shift 2
  "$RUNNER_TEMP/vcheck" "$@" && exit 0
  echo "exit status $?" >&2
  exit 1
fi
echo "fake go: unexpected $*" >&2
exit 2
`

// fakeGh logs each call and answers "issue list" with FAKE_OPEN.
const fakeGh = `#!/usr/bin/env bash
printf '%s\n' "$*" >> "$FAKE_LOG.gh"
case "$1 $2" in
  "issue list") echo "$FAKE_OPEN" ;;
esac
`

// sandbox is a checkout with fakes: a working directory holding scripts/,
// a RUNNER_TEMP with the fake vcheck, a PATH with the fake go and gh.
type sandbox struct {
	dir, log, summary string
	env               []string
}

// with returns the sandbox with more environment variables (FAKE_*).
func (s sandbox) with(env ...string) sandbox {
	s.env = append(append([]string{}, s.env...), env...)
	return s
}

// bin is the directory of the fake go and gh, first on PATH.
func (s sandbox) bin() string {
	return strings.TrimPrefix(strings.Split(s.env[0], string(os.PathListSeparator))[0], "PATH=")
}

func newSandbox(t *testing.T, code, open string) sandbox {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	root := t.TempDir()
	dir, bin, tmp := filepath.Join(root, "checkout"), filepath.Join(root, "bin"), filepath.Join(root, "runner-temp")
	for _, d := range []string{filepath.Join(dir, "scripts"), bin, tmp} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	// The checkout holds what the action and the workflows read.
	for _, f := range []string{"scripts/triage.sh", "scripts/action.sh", "go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join("../..", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "vcheck"), []byte(fakeVcheck), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGh), 0o755))
	log := filepath.Join(root, "log")
	summary := filepath.Join(root, "summary.md")
	return sandbox{dir: dir, log: log, summary: summary, env: []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + root,
		"RUNNER_TEMP=" + tmp,
		"RUNNER_OS=Linux",
		"RUNNER_ARCH=X64",
		"GITHUB_STEP_SUMMARY=" + summary,
		"FAKE_CODE=" + code,
		"FAKE_OPEN=" + open,
		"FAKE_LOG=" + log,
	}}
}

func (s sandbox) read(t *testing.T, suffix string) string {
	t.Helper()
	b, err := os.ReadFile(s.log + suffix)
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(t, err)
	return string(b)
}

// githubContext is what the workflows' expressions read besides steps and
// needs: no secrets (vcheck is a fake), a fake token.
func githubContext() map[string]string {
	return map[string]string{
		"secrets.SINCH_APPLICATION_KEY":    "",
		"secrets.SINCH_APPLICATION_SECRET": "",
		"github.token":                     "fake-token",
		"github.repository":                "vcheck/vcheck",
		"github.server_url":                "https://github.test",
		"github.run_id":                    "42",
	}
}

// TestWorkflows_noGoRun: go run turns every non-zero exit into 1, so no
// workflow runs vcheck (or anything whose code matters) through it.
func TestWorkflows_noGoRun(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../.github/workflows/*.yml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	goRun := regexp.MustCompile(`(^|[\s;&|(])go run `)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "#") {
				continue
			}
			assert.False(t, goRun.MatchString(l), "%s:%d runs go run: %s", filepath.Base(f), i+1, l)
		}
	}
}

// shardEnd says how one shard of the nightly's matrix ends: more FAKE_*
// for its fake vcheck (FAKE_CODE=134 to crash), or a step of its job that
// fails instead of running or after which it is cancelled.
type shardEnd struct {
	env               []string
	fail, cancelAfter string
}

// nightly is a simulated run of nightly.yml: each shard of the run job's
// matrix as a run of its own (matrix.shard substituted, its log FAKE_LOG
// -shard-I), the merge job over the artifacts the shards uploaded (log
// -merge; nil when it did not run), then the triage job.
type nightly struct {
	shards               map[string]*run
	merge, triage        *run
	mergeOut             map[string]string
	runResult, mergeRslt string
	artifacts            string
}

func runNightly(t *testing.T, sb sandbox, ends map[string]shardEnd, mergeFail string) nightly {
	t.Helper()
	const wf = "../../.github/workflows/nightly.yml"
	n := nightly{shards: map[string]*run{}, artifacts: filepath.Join(t.TempDir(), "artifacts")}
	require.NoError(t, os.MkdirAll(n.artifacts, 0o755))

	runJob := readJob(t, wf, "run")
	require.Equal(t, []string{"1", "2", "3", "4"}, runJob.matrix["shard"], "the run job's matrix")
	var results []string
	for _, v := range runJob.matrix["shard"] {
		e := ends[v]
		ctx := githubContext()
		ctx["matrix.shard"] = v
		env := sb.with("FAKE_LOG=" + sb.log + "-shard-" + v).with(e.env...).env
		r := &run{t: t, dir: sb.dir, env: env, ctx: ctx, fail: e.fail, cancelAfter: e.cancelAfter,
			exec: map[string]bool{"vcheck": true}, artifacts: n.artifacts}
		r.job(runJob)
		n.shards[v] = r
		results = append(results, r.status)
	}
	n.runResult = matrixResult(results)

	ctx := githubContext()
	mergeJob := readJob(t, wf, "merge")
	require.Equal(t, "run", mergeJob.needs)
	n.mergeRslt = "skipped"
	ctx["needs.merge.outputs.exit-code"] = ""
	if jobRuns(t, mergeJob.cond, n.runResult) {
		m := &run{t: t, dir: sb.dir, env: sb.with("FAKE_LOG=" + sb.log + "-merge").env, ctx: githubContext(), fail: mergeFail,
			exec: map[string]bool{"merge": true, "verdict": true, "fail": true}, artifacts: n.artifacts}
		m.job(mergeJob)
		n.merge, n.mergeRslt = m, m.status
		n.mergeOut = m.outputs(mergeJob)
		ctx["needs.merge.outputs.exit-code"] = n.mergeOut["exit-code"]
	}
	ctx["needs.merge.result"] = n.mergeRslt

	triageJob := readJob(t, wf, "triage")
	require.Equal(t, "merge", triageJob.needs, "triage reads the merge's code, not a shard's")
	require.True(t, jobRuns(t, triageJob.cond, n.mergeRslt), "triage runs whatever the merge came to")
	n.triage = &run{t: t, dir: sb.dir, env: sb.env, ctx: ctx, exec: map[string]bool{"triage": true, "issue": true}}
	n.triage.job(triageJob)
	return n
}

func (n nightly) log() string {
	var b strings.Builder
	for _, v := range []string{"1", "2", "3", "4"} {
		if r := n.shards[v]; r != nil {
			b.WriteString("==== shard " + v + "\n" + r.stdout.String())
		}
	}
	if n.merge != nil {
		b.WriteString("==== merge\n" + n.merge.stdout.String())
	}
	return b.String() + "==== triage\n" + n.triage.stdout.String()
}

// TestNightly_exitCodeReachesTheIssue runs the nightly's matrix, merge and
// triage jobs for each way the run can end, the merged exit code through
// the merge job's outputs to the triage job's gh calls, and checks the
// label the issue gets, or that the issue is closed, or left alone. A
// shard that wrote no report makes vcheck merge refuse with 2; its own
// exit code, or its having left nothing, names the cause instead.
func TestNightly_exitCodeReachesTheIssue(t *testing.T) {
	t.Parallel()
	crash := shardEnd{env: []string{"FAKE_CODE=134", "FAKE_NO_JSON=1", "FAKE_NO_MD=1", "FAKE_NO_JUNIT=1"}}
	rows := []struct {
		name      string
		code      string              // every shard's fake vcheck exit status
		merge     string              // the fake vcheck merge's exit status when it merges
		ends      map[string]shardEnd // shards that end otherwise
		mergeFail string              // a step of the merge job that fails instead
		open      string              // the open nightly issue, "" for none
		result    string              // needs.merge.result
		exit      string              // needs.merge.outputs.exit-code
		gh, noGh  []string
	}{
		{name: "green closes the open issue", code: "0", merge: "0", open: "7", result: "success", exit: "0",
			gh: []string{"issue close 7 --comment Green again: https://github.test/vcheck/vcheck/actions/runs/42"}, noGh: []string{"label create", "issue create"}},
		{name: "green with no issue open", code: "0", merge: "0", result: "success", exit: "0",
			noGh: []string{"issue close", "label create", "issue create"}},
		{name: "merged drift opens an issue", code: "1", merge: "1", result: "failure", exit: "1",
			gh: []string{"label create vcheck:contract-drift", "issue create --title vcheck nightly: vcheck:contract-drift --label vcheck-nightly --label vcheck:contract-drift"}},
		{name: "drift the merge finds across green shards", code: "0", merge: "1", result: "failure", exit: "1",
			gh: []string{"issue create --title vcheck nightly: vcheck:contract-drift"}},
		{name: "a merge that refuses is configuration", code: "0", merge: "2", result: "failure", exit: "2",
			gh: []string{"issue create --title vcheck nightly: vcheck:configuration --label vcheck-nightly --label vcheck:configuration"}, noGh: []string{"contract-drift"}},
		{name: "an outage is not drift", code: "3", merge: "3", open: "7", result: "failure", exit: "3",
			gh: []string{"issue edit 7 --title vcheck nightly: vcheck:sandbox-unreachable --add-label vcheck:sandbox-unreachable", "issue comment 7 --body Still failing (exit 3)"}, noGh: []string{"contract-drift", "configuration"}},
		{name: "a crashed shard is a crash, not a refused merge", code: "0", merge: "0", ends: map[string]shardEnd{"2": crash}, result: "failure", exit: "134",
			gh: []string{"label create vcheck:crashed", "issue create --title vcheck nightly: vcheck:crashed"}, noGh: []string{"configuration"}},
		{name: "a shard unreachable without a report is an outage", code: "0", merge: "0",
			ends:   map[string]shardEnd{"3": {env: []string{"FAKE_CODE=3", "FAKE_NO_JSON=1"}}},
			result: "failure", exit: "3", gh: []string{"label create vcheck:sandbox-unreachable"}, noGh: []string{"configuration", "contract-drift"}},
		{name: "a shard refused for its configuration is configuration", code: "0", merge: "0",
			ends:   map[string]shardEnd{"1": {env: []string{"FAKE_CODE=2", "FAKE_NO_JSON=1"}}},
			result: "failure", exit: "2", gh: []string{"label create vcheck:configuration"}, noGh: []string{"crashed", "run-incomplete"}},
		{name: "a shard whose build failed leaves the run incomplete", code: "0", merge: "0", ends: map[string]shardEnd{"4": {fail: "build"}}, open: "7", result: "failure", exit: "",
			gh: []string{"issue edit 7 --title vcheck nightly: vcheck:run-incomplete --add-label vcheck:run-incomplete"}, noGh: []string{"configuration", "issue close"}},
		{name: "a failed merge build is an incomplete run", code: "0", merge: "0", mergeFail: "build", open: "7", result: "failure", exit: "",
			gh: []string{"label create vcheck:run-incomplete"}, noGh: []string{"configuration", "issue close"}},
		{name: "a cancelled shard skips the merge and touches no issue", code: "0", merge: "0", ends: map[string]shardEnd{"2": {cancelAfter: "vcheck"}}, open: "7", result: "skipped", exit: "",
			noGh: []string{"issue"}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			sb := newSandbox(t, row.code, row.open).with("FAKE_MERGE_CODE=" + row.merge)
			n := runNightly(t, sb, row.ends, row.mergeFail)
			log := n.log()
			assert.Equal(t, row.result, n.mergeRslt, "the merge job's result\n%s", log)
			assert.Equal(t, row.exit, n.mergeOut["exit-code"], "the merge job's exit-code output\n%s", log)
			assert.Equal(t, "success", n.triage.status, "the triage job\n%s", log)
			gh := sb.read(t, ".gh")
			for _, want := range row.gh {
				assert.Contains(t, gh, want, "gh calls\n%s", log)
			}
			for _, unwanted := range row.noGh {
				assert.NotContains(t, gh, unwanted, "gh calls\n%s", log)
			}
		})
	}
}

// TestNightly_shardsAndMerge: each shard runs its part of one run (the
// run's seed, the rate and budget divided by four, every documented code
// required), with its credentials masked, and uploads its reports under a
// name of its own; the merge reads every shard's report and writes the one
// step summary and the vcheck-nightly artifact; the job fails, after
// recording the code, on anything but 0, with an error that says what the
// code means.
func TestNightly_shardsAndMerge(t *testing.T) {
	t.Parallel()
	for _, row := range []struct{ code, status, says string }{
		{"0", "success", ""},
		{"1", "failure", "documented error contract"},
		{"2", "failure", "configuration"},
		{"3", "failure", "could not be reached"},
	} {
		t.Run("merge exits "+row.code, func(t *testing.T) {
			t.Parallel()
			sb := newSandbox(t, "0", "").with("FAKE_MERGE_CODE=" + row.code)
			n := runNightly(t, sb, nil, "")
			log := n.log()
			for _, v := range []string{"1", "2", "3", "4"} {
				args := sb.read(t, "-shard-"+v+".args")
				assert.Contains(t, args, "--budget 100 --rate 0.5 --cases 10 --seed 42 ", "shard %s", v)
				assert.Contains(t, args, "--require-codes all", "the nightly requires every documented code")
				assert.True(t, strings.HasSuffix(args, " --shard "+v+"/4\n"), "shard %s: %s", v, args)
				assert.Equal(t, "crash\n", sb.read(t, "-shard-"+v+".traceback"), "vcheck runs with GOTRACEBACK=crash")
				assert.Contains(t, n.shards[v].ran, "vcheck")
				name := "vcheck-reports-shard-" + v + "-of-4"
				assert.FileExists(t, filepath.Join(n.artifacts, name, "vcheck.json"), "shard %s's report is uploaded", v)
				assert.FileExists(t, filepath.Join(n.artifacts, name, "vcheck.exit-code"), "with its exit code")
			}
			merge := sb.read(t, "-merge.args")
			for _, v := range []string{"1", "2", "3", "4"} {
				assert.Contains(t, merge, "shards/vcheck-reports-shard-"+v+"-of-4/vcheck.json", "the merge reads shard %s's report", v)
			}
			assert.Regexp(t, `^merge (shards/\S+\.json ){4}--json reports/vcheck.json --junit reports/vcheck.xml --markdown reports/vcheck.md --html reports/vcheck.html\n$`, merge)
			assert.FileExists(t, filepath.Join(n.artifacts, "vcheck-nightly", "vcheck.json"), "the merged reports are uploaded")
			summary, err := os.ReadFile(sb.summary)
			require.NoError(t, err)
			assert.Equal(t, "# vcheck report\n", string(summary), "only the merged report reaches the summary")

			assert.Equal(t, row.status, n.merge.status, "%s", log)
			in := n.merge.inner["merge"]
			require.NotNil(t, in, "the merge step is the action")
			assert.Equal(t, 0, in.exits["run"], "the action's run step records the code and lets the summary and upload run")
			assert.Contains(t, in.ran, "upload", "the reports are uploaded whatever the code")
			code, _ := strconv.Atoi(row.code)
			assert.Equal(t, code, in.exits["finish"], "the action ends with the merge's code")
			if row.says != "" {
				assert.Contains(t, n.merge.stdout.String(), "::error title=vcheck exited "+row.code+"::")
				assert.Contains(t, n.merge.stdout.String(), row.says)
			}
		})
	}
}

// TestNightly_matrixShape: four shards that do not cancel each other, in
// parallel within the run's one concurrency group, and a merge that runs
// when shards failed but not when the run was cancelled.
func TestNightly_matrixShape(t *testing.T) {
	t.Parallel()
	const wf = "../../.github/workflows/nightly.yml"
	j := readJob(t, wf, "run")
	strategy := map[string]string{}
	for _, e := range j.strategy {
		strategy[e.key] = e.value
	}
	assert.Equal(t, "false", strategy["fail-fast"], "a failing shard must not cancel the others: the merge needs them all")
	assert.Empty(t, strategy["max-parallel"], "the shards run in parallel at a quarter of the rate each")
	assert.Equal(t, "${{ matrix.shard }}/4", j.step(t, "vcheck").withOf(t)["shard"])
	m := readJob(t, wf, "merge")
	assert.False(t, jobRuns(t, m.cond, "cancelled"), "a cancelled run is not merged")
	assert.True(t, jobRuns(t, m.cond, "failure"), "a run with a failed shard is merged")
	raw, err := os.ReadFile(wf)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(raw), "concurrency:"), "one concurrency group for the whole run")
	assert.Contains(t, string(raw), "group: sinch-sandbox")
}

// TestReleaseGate_failsOnEveryNonZeroCode: the gate passes on 0 only, and
// its error names what the code means; a run that recorded no code (make
// test failed first) fails too.
func TestReleaseGate_failsOnEveryNonZeroCode(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name, code, fail string
		pass             bool
		says             string
	}{
		{name: "exit 0", code: "0", pass: true, says: "every check passed"},
		{name: "exit 1", code: "1", says: "documented error contract (exit 1)"},
		{name: "exit 2", code: "2", says: "configuration error (exit 2)"},
		{name: "exit 3", code: "3", says: "could not be reached, timed out or could not be judged (exit 3)"},
		{name: "exit 134", code: "134", says: "exit 134"},
		{name: "make test failed", code: "0", fail: "make-test", says: "vcheck exited without a code"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			sb := newSandbox(t, row.code, "")
			r := &run{t: t, dir: sb.dir, env: sb.env, ctx: githubContext(), fail: row.fail,
				exec: map[string]bool{"vcheck": true, "summary": true, "verdict": true, "gate": true}}
			j := readJob(t, "../../.github/workflows/release-gate.yml", "gate")
			r.job(j)
			out := r.stdout.String()
			if row.pass {
				assert.Equal(t, "success", r.status, "%s", out)
			} else {
				assert.Equal(t, "failure", r.status, "%s", out)
				assert.Equal(t, 1, r.exits["gate"], "the gate step fails the job\n%s", out)
			}
			assert.Contains(t, out, row.says)
			if row.fail == "" {
				assert.Equal(t, row.code, r.ctx["steps.vcheck.outputs.exit-code"], "the code as vcheck exited")
				assert.Equal(t, "crash\n", sb.read(t, ".traceback"))
				assert.Contains(t, sb.read(t, ".args"), "--baseline testdata/baseline.json")
			}
		})
	}
}

// TestMaskStep_masksTheBasicHeaderOrFails: both workflows hand the
// secrets to the action, which registers the Basic header that GitHub
// does not mask by itself with add-mask before vcheck prints a line; when
// it cannot be computed the step fails rather than letting vcheck run with
// nothing masked, and no exit code is recorded (triage: incomplete).
func TestMaskStep_masksTheBasicHeaderOrFails(t *testing.T) {
	t.Parallel()
	for _, wf := range []struct{ file, job string }{
		{"../../.github/workflows/nightly.yml", "run"},
		{"../../.github/workflows/release-gate.yml", "gate"},
	} {
		for _, row := range []struct {
			name         string
			brokenBase64 bool
		}{{"base64 works", false}, {"base64 fails", true}} {
			t.Run(filepath.Base(wf.file)+"/"+row.name, func(t *testing.T) {
				t.Parallel()
				sb := newSandbox(t, "0", "")
				if row.brokenBase64 {
					require.NoError(t, os.WriteFile(filepath.Join(sb.bin(), "base64"), []byte("#!/usr/bin/env bash\nexit 1\n"), 0o755))
				}
				ctx := githubContext()
				ctx["secrets.SINCH_APPLICATION_KEY"] = "key"
				ctx["secrets.SINCH_APPLICATION_SECRET"] = "secret"
				ctx["matrix.shard"] = "1" // the nightly's, as each shard
				r := &run{t: t, dir: sb.dir, env: sb.env, ctx: ctx, exec: map[string]bool{"vcheck": true}}
				r.job(readJob(t, wf.file, wf.job))
				out := r.stdout.String()
				if row.brokenBase64 {
					assert.Equal(t, "failure", r.status, "%s", out)
					assert.NotContains(t, out, "::add-mask::a2V5")
					assert.NotContains(t, out, "fake vcheck ran", "vcheck must not run unmasked")
					assert.Empty(t, r.ctx["steps.vcheck.outputs.exit-code"], "no code is recorded")
					return
				}
				assert.Equal(t, "success", r.status, "%s", out)
				mask := strings.Index(out, "::add-mask::a2V5OnNlY3JldA==\n")
				require.GreaterOrEqual(t, mask, 0, "base64(key:secret) is masked\n%s", out)
				assert.Less(t, mask, strings.Index(out, "fake vcheck ran"), "masked before vcheck runs")
				assert.Equal(t, "key=key secret=secret\n", sb.read(t, ".creds"), "the credentials reach vcheck")
			})
		}
	}
}

// readFile reads a file of the checkout.
func (s sandbox) readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, rel))
	require.NoError(t, err)
	return string(b)
}
