package fuzz

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeGo stands in for the go command in scripts/fuzz.sh: it lists one
// target, answers its -fuzz run as FAKE_FUZZ says and its corpus replay as
// FAKE_REPLAY says (exit status 0 or 1).
const fakeGo = `#!/usr/bin/env bash
case "$*" in
  *-list*) echo FuzzFake; echo ok; exit 0 ;;
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
	cases := []struct {
		fuzz, replay string
		wantOK       bool
		wantOut      string
	}{
		{"pass", "0", true, "PASS"},
		{"race", "0", true, "go.dev/issue/75804"},
		{"race", "1", false, "the corpus replay failed"},
		{"crash", "0", false, "FAILED"},
		{"other", "0", false, "FAILED"},
	}
	for _, tc := range cases {
		t.Run(tc.fuzz+"/replay-"+tc.replay, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("bash", script, "1s")
			cmd.Env = append(os.Environ(), "GO="+fake, "FAKE_FUZZ="+tc.fuzz, "FAKE_REPLAY="+tc.replay)
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
