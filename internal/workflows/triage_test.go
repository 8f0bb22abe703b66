package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// triageScript is scripts/triage.sh, by absolute path.
func triageScript(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	p, err := filepath.Abs("../../scripts/triage.sh")
	require.NoError(t, err)
	return p
}

// parseLines reads key=value lines.
func parseLines(s string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[k] = v
		}
	}
	return m
}

// TestTriage_eachExitCodeAndJobStatus runs scripts/triage.sh with each exit
// code vcheck has, some it does not, and no code at all, under each job
// status, and checks where each lands: an outage (3) and a configuration
// error (2) are never contract drift, a code of none of vcheck's is a
// crash, and a cancelled job touches no issue whatever code it recorded.
func TestTriage_eachExitCodeAndJobStatus(t *testing.T) {
	t.Parallel()
	script := triageScript(t)
	type want struct{ verdict, issue, label string }
	var (
		pass       = want{"pass", "close", ""}
		drift      = want{"drift", "update", "vcheck:contract-drift"}
		config     = want{"configuration", "update", "vcheck:configuration"}
		outage     = want{"unreachable", "update", "vcheck:sandbox-unreachable"}
		crashed    = want{"crashed", "update", "vcheck:crashed"}
		incomplete = want{"incomplete", "update", "vcheck:run-incomplete"}
		cancelled  = want{"cancelled", "none", ""}
	)
	rows := []struct {
		name, code, status string
		want               want
	}{
		{"0 success", "0", "success", pass},
		{"0 failure (a later step failed)", "0", "failure", pass},
		{"0 cancelled", "0", "cancelled", cancelled},
		{"1 failure", "1", "failure", drift},
		{"1 success", "1", "success", drift},
		{"1 cancelled", "1", "cancelled", cancelled},
		{"2 failure", "2", "failure", config},
		{"2 success", "2", "success", config},
		{"2 cancelled", "2", "cancelled", cancelled},
		{"3 failure", "3", "failure", outage},
		{"3 success", "3", "success", outage},
		{"3 cancelled", "3", "cancelled", cancelled},
		{"130 failure", "130", "failure", crashed},
		{"130 success", "130", "success", crashed},
		{"130 cancelled", "130", "cancelled", cancelled},
		{"134 (a panic under GOTRACEBACK=crash) failure", "134", "failure", crashed},
		{"137 failure", "137", "failure", crashed},
		{"4 failure", "4", "failure", crashed},
		{"empty failure", "", "failure", incomplete},
		{"empty success", "", "success", incomplete},
		{"empty cancelled", "", "cancelled", cancelled},
		{"1 skipped", "1", "skipped", cancelled},
		{"not a number", "3\nlabel=vcheck:contract-drift", "failure", crashed},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			output := filepath.Join(t.TempDir(), "output")
			cmd := exec.Command("bash", script, row.code, row.status)
			cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+output)
			out, err := cmd.Output()
			require.NoError(t, err, "%s", out)
			got := parseLines(string(out))
			assert.Equal(t, row.want, want{got["verdict"], got["issue"], got["label"]}, "%s", out)
			assert.NotEmpty(t, got["meaning"])
			assert.NotEmpty(t, got["title"])
			if row.want.label != "" {
				assert.Contains(t, got["title"], row.want.label)
			}
			assert.Len(t, strings.Split(strings.TrimSpace(string(out)), "\n"), 5, "five lines, whatever the code: %q", out)
			written, err := os.ReadFile(output)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(written), "GITHUB_OUTPUT gets the same lines")
		})
	}
}

// TestTriage_meaningNamesTheCode: the sentence a person reads names the
// exit code it is about, so that a red run says why.
func TestTriage_meaningNamesTheCode(t *testing.T) {
	t.Parallel()
	script := triageScript(t)
	for _, code := range []string{"1", "2", "3", "130"} {
		out, err := exec.Command("bash", script, code, "failure").Output()
		require.NoError(t, err)
		assert.Contains(t, parseLines(string(out))["meaning"], "exit "+code)
	}
}

// TestTriage_usage: the wrong number of arguments is a usage error, not a
// verdict.
func TestTriage_usage(t *testing.T) {
	t.Parallel()
	script := triageScript(t)
	for _, args := range [][]string{{}, {"1"}, {"1", "failure", "extra"}} {
		cmd := exec.Command("bash", append([]string{script}, args...)...)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "%v: %s", args, out)
		assert.Equal(t, 2, ee.ExitCode())
		assert.Contains(t, string(out), "usage:")
	}
}

// TestGOTRACEBACKCrash_panicIsNotExit2 shows why the workflows set
// GOTRACEBACK=crash for vcheck: a Go panic otherwise exits 2, which is
// vcheck's configuration code; under crash it dies of SIGABRT, which a
// shell reports as 134, and triage calls that a crash.
func TestGOTRACEBACKCrash_panicIsNotExit2(t *testing.T) {
	if os.Getenv("WORKFLOWS_PANIC") == "1" {
		panic("a vcheck bug")
	}
	t.Parallel()
	script := triageScript(t)
	status := func(traceback string) int {
		cmd := exec.Command("bash", "-c", `"$0" -test.run='^TestGOTRACEBACKCrash_panicIsNotExit2$' >/dev/null 2>&1; echo $?`, os.Args[0])
		cmd.Dir = t.TempDir() // where a core file would go
		cmd.Env = append(os.Environ(), "WORKFLOWS_PANIC=1", "GOTRACEBACK="+traceback)
		out, err := cmd.Output()
		require.NoError(t, err)
		n, err := strconv.Atoi(strings.TrimSpace(string(out)))
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, 2, status("single"), "a panic exits 2 by default")
	code := status("crash")
	assert.Equal(t, 128+int(syscall.SIGABRT), code)
	out, err := exec.Command("bash", script, strconv.Itoa(code), "failure").Output()
	require.NoError(t, err)
	assert.Equal(t, "vcheck:crashed", parseLines(string(out))["label"])
}
