package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listingGo stands in for the go command in scripts/fuzz.sh: its -list run
// answers as FAKE_LIST says, a -fuzz run passes.
const listingGo = `#!/usr/bin/env bash
case "$*" in
  *-list*)
    case "$FAKE_LIST" in
      broken) echo "fuzz/x_test.go:3:1: syntax error" >&2; exit 1 ;;
      none) echo ok; exit 0 ;;
      one) echo FuzzFake; echo ok; exit 0 ;;
    esac ;;
esac
echo PASS
`

// TestFuzzScript_failsWhenTheTargetsCannotBeListed: the nightly fuzz job
// runs only make fuzz, so a ./fuzz that does not compile must fail
// scripts/fuzz.sh, not pass it with nothing fuzzed. (Beside the script's
// other test in fuzz/script_test.go it would fit as well; that file is not
// this change's to edit.)
func TestFuzzScript_failsWhenTheTargetsCannotBeListed(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	t.Parallel()
	fake := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.WriteFile(fake, []byte(listingGo), 0o755))
	script, err := filepath.Abs("../../scripts/fuzz.sh")
	require.NoError(t, err)
	rows := []struct {
		name, list string
		wantOK     bool
		wantOut    string
	}{
		{"does not compile", "broken", false, "could not list the fuzz targets"},
		{"no targets", "none", false, "could not list the fuzz targets"},
		{"one target", "one", true, "fuzz FuzzFake for 1x"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("bash", script, "1x")
			cmd.Env = append(os.Environ(), "GO="+fake, "FAKE_LIST="+row.list)
			out, err := cmd.CombinedOutput()
			if row.wantOK {
				assert.NoError(t, err, "%s", out)
			} else {
				assert.Error(t, err, "%s", out)
			}
			assert.Contains(t, string(out), row.wantOut)
		})
	}
}
