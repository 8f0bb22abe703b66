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
// FAKE_NO_MD, no JUnit with FAKE_NO_JUNIT; the JSON's verdict is FAKE_VERDICT, or the code's) and exits
// FAKE_CODE.
const fakeVcheck = `#!/usr/bin/env bash
printf '%s\n' "$*" > "$FAKE_LOG.args"
printf '%s\n' "${GOTRACEBACK-unset}" > "$FAKE_LOG.traceback"
printf 'key=%s secret=%s\n' "${SINCH_APPLICATION_KEY:-}" "${SINCH_APPLICATION_SECRET:-}" > "$FAKE_LOG.creds"
echo "fake vcheck ran"
json= md= junit= html=
while [ "$#" -gt 0 ]; do
  case "$1" in
    --json) json=$2; shift ;;
    --markdown) md=$2; shift ;;
    --junit) junit=$2; shift ;;
    --html) html=$2; shift ;;
  esac
  shift
done
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
  printf '{"format":9,"cases":[],"summary":{"verdict":"%s","reason":"fake reason for %s"}}\n' "$verdict" "$verdict" > "$json"
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

// TestNightly_exitCodeReachesTheIssue runs the nightly's two jobs for each
// way the run can end, vcheck's exit code through the run job's outputs to
// the triage job's gh calls, and checks the label the issue gets, or that
// the issue is closed, or left alone.
func TestNightly_exitCodeReachesTheIssue(t *testing.T) {
	t.Parallel()
	const wf = "../../.github/workflows/nightly.yml"
	rows := []struct {
		name string
		code string // the fake vcheck's exit status
		// fail or cancelAfter name a step of the run job that fails
		// instead of running, or after which the run is cancelled.
		fail, cancelAfter string
		open              string // the open nightly issue, "" for none
		runResult         string // needs.run.result
		exitOutput        string // needs.run.outputs.exit-code
		gh                []string
		noGh              []string
	}{
		{name: "green closes the open issue", code: "0", open: "7", runResult: "success", exitOutput: "0",
			gh: []string{"issue close 7 --comment Green again: https://github.test/vcheck/vcheck/actions/runs/42"}, noGh: []string{"label create", "issue create"}},
		{name: "green with no issue open", code: "0", runResult: "success", exitOutput: "0",
			noGh: []string{"issue close", "label create", "issue create"}},
		{name: "drift opens an issue", code: "1", runResult: "failure", exitOutput: "1",
			gh: []string{"label create vcheck:contract-drift", "issue create --title vcheck nightly: vcheck:contract-drift --label vcheck-nightly --label vcheck:contract-drift"}},
		{name: "configuration is not drift", code: "2", runResult: "failure", exitOutput: "2",
			gh: []string{"issue create --title vcheck nightly: vcheck:configuration --label vcheck-nightly --label vcheck:configuration"}, noGh: []string{"contract-drift"}},
		{name: "an outage is not drift", code: "3", open: "7", runResult: "failure", exitOutput: "3",
			gh: []string{"issue edit 7 --title vcheck nightly: vcheck:sandbox-unreachable --add-label vcheck:sandbox-unreachable", "issue comment 7 --body Still failing (exit 3)"}, noGh: []string{"contract-drift", "configuration"}},
		{name: "a panic is a crash, not configuration", code: "134", runResult: "failure", exitOutput: "134",
			gh: []string{"label create vcheck:crashed"}, noGh: []string{"configuration"}},
		{name: "an interrupt that is not a cancellation is a crash", code: "130", runResult: "failure", exitOutput: "130",
			gh: []string{"label create vcheck:crashed"}, noGh: []string{"configuration"}},
		{name: "a cancelled run touches no issue", code: "130", cancelAfter: "vcheck", open: "7", runResult: "cancelled", exitOutput: "130",
			noGh: []string{"issue"}},
		{name: "a failed build is an incomplete run", code: "0", fail: "build", open: "7", runResult: "failure", exitOutput: "",
			gh: []string{"issue edit 7 --title vcheck nightly: vcheck:run-incomplete --add-label vcheck:run-incomplete"}, noGh: []string{"configuration", "issue close"}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			sb := newSandbox(t, row.code, row.open)
			ctx := githubContext()
			r := &run{t: t, dir: sb.dir, env: sb.env, ctx: ctx, fail: row.fail, cancelAfter: row.cancelAfter,
				exec: map[string]bool{"vcheck": true, "summary": true, "verdict": true, "fail": true}}
			runJob := readJob(t, wf, "run")
			r.job(runJob)
			out := r.outputs(runJob)
			assert.Equal(t, row.exitOutput, out["exit-code"], "the run job's exit-code output\n%s", r.stdout.String())
			assert.Equal(t, row.runResult, r.status, "the run job's result\n%s", r.stdout.String())
			if row.fail == "" {
				assert.Contains(t, sb.read(t, ".args"), "--require-codes all", "the nightly requires every documented code")
				assert.Equal(t, "crash\n", sb.read(t, ".traceback"), "vcheck runs with GOTRACEBACK=crash")
			}

			ctx["needs.run.outputs.exit-code"] = out["exit-code"]
			ctx["needs.run.result"] = r.status
			tr := &run{t: t, dir: sb.dir, env: sb.env, ctx: ctx, exec: map[string]bool{"triage": true, "issue": true}}
			tr.job(readJob(t, wf, "triage"))
			assert.Equal(t, "success", tr.status, "the triage job\n%s", tr.stdout.String())
			gh := sb.read(t, ".gh")
			for _, want := range row.gh {
				assert.Contains(t, gh, want, "gh calls")
			}
			for _, unwanted := range row.noGh {
				assert.NotContains(t, gh, unwanted, "gh calls")
			}
		})
	}
}

// TestNightly_summaryAndFailure: the run job appends the report to the
// step summary and fails, after recording the code, on anything but 0,
// with an error that says what the code means.
func TestNightly_summaryAndFailure(t *testing.T) {
	t.Parallel()
	for _, row := range []struct{ code, status, says string }{
		{"0", "success", ""},
		{"1", "failure", "documented error contract"},
		{"2", "failure", "configuration"},
		{"3", "failure", "could not be reached"},
	} {
		t.Run("exit "+row.code, func(t *testing.T) {
			t.Parallel()
			sb := newSandbox(t, row.code, "")
			r := &run{t: t, dir: sb.dir, env: sb.env, ctx: githubContext(),
				exec: map[string]bool{"vcheck": true, "summary": true, "verdict": true, "fail": true}}
			r.job(readJob(t, "../../.github/workflows/nightly.yml", "run"))
			assert.Equal(t, row.status, r.status, "%s", r.stdout.String())
			in := r.inner["vcheck"]
			require.NotNil(t, in, "the vcheck step is the action")
			assert.Equal(t, 0, in.exits["run"], "the action's run step records the code and lets the summary and upload run")
			assert.Contains(t, in.ran, "upload", "the reports are uploaded whatever the code")
			code, _ := strconv.Atoi(row.code)
			assert.Equal(t, code, in.exits["finish"], "the action ends with vcheck's code")
			summary, err := os.ReadFile(sb.summary)
			require.NoError(t, err)
			assert.Equal(t, "# vcheck report\n", string(summary))
			if row.says != "" {
				assert.Contains(t, r.stdout.String(), "::error title=vcheck exited "+row.code+"::")
				assert.Contains(t, r.stdout.String(), row.says)
			}
		})
	}
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
