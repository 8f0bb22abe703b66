package fuzz

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeGo stands in for the go command in scripts/fuzz.sh: it lists the
// targets as FAKE_LIST says (one target unless told otherwise), answers
// the -fuzz run as FAKE_FUZZ says and the corpus replay as FAKE_REPLAY says
// (exit status 0 or 1).
const fakeGo = `#!/usr/bin/env bash
case "$*" in
  *-list*)
    case "$FAKE_LIST" in
      broken) echo "fuzz/x_test.go:3:1: syntax error" >&2; exit 1 ;;
      none) echo ok; exit 0 ;;
      *) echo FuzzFake; echo ok; exit 0 ;;
    esac ;;
  *"-fuzz "*)
    case "$FAKE_FUZZ" in
      pass) echo PASS; exit 0 ;;
      race) printf -- '--- FAIL: FuzzFake (60.02s)\n    context deadline exceeded\nFAIL\n'; exit 1 ;;
      crash) printf -- '--- FAIL: FuzzFake (3.10s)\n    fuzz_test.go:9: boom\n    Failing input written to testdata/fuzz/FuzzFake/0123\nFAIL\n'; exit 1 ;;
      other) printf -- '--- FAIL: FuzzFake (0.10s)\n    fuzzing process hung or terminated unexpectedly: exit status 2\nFAIL\n'; exit 1 ;;
    esac ;;
esac
echo "replay: $*"
exit "$FAKE_REPLAY"
`

// TestFuzzScript_tellsTheCoordinatorRaceFromAFinding checks the verdicts of
// scripts/fuzz.sh (make fuzz): only a bare "context deadline exceeded" with
// no crasher and a passing corpus replay is Go's coordinator race
// (go.dev/issue/75804); every other failure fails the run.
func TestFuzzScript_tellsTheCoordinatorRaceFromAFinding(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	t.Parallel()
	fake := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.WriteFile(fake, []byte(fakeGo), 0o755))
	script, err := filepath.Abs("../scripts/fuzz.sh")
	require.NoError(t, err)
	// The nightly fuzz job runs only make fuzz: a ./fuzz that does not
	// compile, or lists no target, must fail the script, not pass it with
	// nothing fuzzed.
	cases := []struct {
		list, fuzz, replay string
		wantOK             bool
		wantOut            string
	}{
		{"one", "pass", "0", true, "PASS"},
		{"one", "race", "0", true, "go.dev/issue/75804"},
		{"one", "race", "1", false, "the corpus replay failed"},
		{"one", "crash", "0", false, "FAILED"},
		{"one", "other", "0", false, "FAILED"},
		{"broken", "pass", "0", false, "could not list the fuzz targets"},
		{"none", "pass", "0", false, "could not list the fuzz targets"},
	}
	for _, tc := range cases {
		t.Run(tc.list+"/"+tc.fuzz+"/replay-"+tc.replay, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("bash", script, "1s")
			cmd.Env = append(os.Environ(), "GO="+fake, "FAKE_LIST="+tc.list, "FAKE_FUZZ="+tc.fuzz, "FAKE_REPLAY="+tc.replay)
			out, err := cmd.CombinedOutput()
			if tc.wantOK {
				assert.NoError(t, err, "%s", out)
			} else {
				assert.Error(t, err, "%s", out)
			}
			assert.Contains(t, string(out), tc.wantOut)
		})
	}
}
