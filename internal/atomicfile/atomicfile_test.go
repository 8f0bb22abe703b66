package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/internal/atomicfile"
)

// names lists the directory's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWrite_renamesOnlyOnSuccess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")

	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, _ = io.WriteString(w, "<half")
		return errors.New("interrupted")
	})
	require.EqualError(t, err, "interrupted", "write's error, as it was")
	assert.Empty(t, names(t, dir), "no file and no temporary file")

	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	require.Error(t, atomicfile.Write(path, 0o644, func(io.Writer) error { return errors.New("boom") }))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(got), "a failed write keeps the previous file")
	assert.Equal(t, []string{"report.xml"}, names(t, dir))

	require.NoError(t, atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Repeat("new", 50_000)) // more than the buffer
		return err
	}))
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("new", 50_000), string(got))
	assert.Equal(t, []string{"report.xml"}, names(t, dir), "no temporary file left")
}

func TestWrite_mode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, perm := range []os.FileMode{0o644, 0o600} {
		path := filepath.Join(dir, perm.String())
		require.NoError(t, atomicfile.Write(path, perm, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }))
		st, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, perm, st.Mode().Perm(), "the mode asked for, not CreateTemp's 0600 nor the umask's")
	}
}

func TestWrite_failedRenameLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "taken")
	require.NoError(t, os.Mkdir(target, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(target, "inside"), nil, 0o644))
	err := atomicfile.Write(target, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err })
	require.Error(t, err, "a file cannot replace a directory that is not empty")
	assert.Equal(t, []string{"taken"}, names(t, dir), "the temporary file is removed")
}

func TestWrite_missingDirectory(t *testing.T) {
	t.Parallel()
	called := false
	err := atomicfile.Write(filepath.Join(t.TempDir(), "none", "r"), 0o644, func(io.Writer) error { called = true; return nil })
	require.Error(t, err)
	assert.False(t, called, "nothing to write to")
}

func TestFile_streamCommitOrClose(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "run.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))

	f, err := atomicfile.Create(path, 0o644)
	require.NoError(t, err)
	_, err = io.WriteString(f, "streamed")
	require.NoError(t, err)
	got, _ := os.ReadFile(path)
	assert.Equal(t, "old", string(got), "nothing changes at the path before Commit")
	require.NoError(t, f.Close())
	got, _ = os.ReadFile(path)
	assert.Equal(t, "old", string(got), "Close without Commit leaves the path as it was")
	assert.Equal(t, []string{"run.json"}, names(t, dir), "and no temporary file")

	f, err = atomicfile.Create(path, 0o644)
	require.NoError(t, err)
	for range 3 {
		_, err = io.WriteString(f, "part;")
		require.NoError(t, err)
	}
	require.NoError(t, f.Commit())
	require.NoError(t, f.Close(), "Close after Commit does nothing")
	got, _ = os.ReadFile(path)
	assert.Equal(t, "part;part;part;", string(got))
	assert.Equal(t, []string{"run.json"}, names(t, dir))
	_, err = io.WriteString(f, "late")
	assert.Error(t, err, "a committed file takes no more writes")
	assert.Error(t, f.Commit(), "nor a second Commit")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	assert.NoError(t, atomicfile.Check(filepath.Join(dir, "new.json")), "a new file in a writable directory")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "old.json"), nil, 0o644))
	assert.NoError(t, atomicfile.Check(filepath.Join(dir, "old.json")), "a file to replace")
	assert.Equal(t, []string{"old.json"}, names(t, dir), "the probe is removed")

	err := atomicfile.Check(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a directory")
	missing := filepath.Join(dir, "none", "r.json")
	err = atomicfile.Check(missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), missing+": cannot be written")
}
