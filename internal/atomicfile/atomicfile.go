// Package atomicfile writes a file so that a reader finds the old file or
// the whole new one, never a part: the bytes go to a temporary file beside
// the path, which is renamed into place only when every write, the flush,
// the sync and the close succeeded, and is removed otherwise. The runner's
// reports and baselines and the kit's reports are written through it. It
// knows nothing of vcheck.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// bufferSize is the write buffer of a File.
const bufferSize = 64 << 10

// File is a file being written: Create it, write to it, then Commit to put
// it in place, or Close without Commit to leave the path as it was.
type File struct {
	path string
	perm os.FileMode
	tmp  *os.File
	w    *bufio.Writer
	err  error // the first write error; Commit returns it
}

// Create starts writing path: a temporary file in the same directory
// (so the rename is atomic), given mode perm when committed.
func Create(path string, perm os.FileMode) (*File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &File{path: path, perm: perm, tmp: tmp, w: bufio.NewWriterSize(tmp, bufferSize)}, nil
}

// Write writes to the temporary file. After an error every Write fails and
// Commit reports it.
func (f *File) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.tmp == nil {
		return 0, errClosed
	}
	n, err := f.w.Write(p)
	f.err = err
	return n, err
}

var errClosed = errors.New("atomicfile: write after Commit or Close")

// Commit flushes, syncs and closes the temporary file, gives it its mode
// and renames it to the path. On any error the temporary file is removed
// and the path is left as it was.
func (f *File) Commit() error {
	if f.tmp == nil {
		return errClosed
	}
	err := f.err
	if err == nil {
		err = f.w.Flush()
	}
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.tmp.Name(), f.perm)
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		_ = os.Remove(f.tmp.Name()) // best effort: err is the failure to report
	}
	f.tmp = nil
	return err
}

// Close removes the temporary file of a File that was not committed; after
// Commit it does nothing. The path is left as it was.
func (f *File) Close() error {
	if f.tmp == nil {
		return nil
	}
	_ = f.tmp.Close() // removed next, its content abandoned
	err := os.Remove(f.tmp.Name())
	f.tmp = nil
	return err
}

// Write writes path through write, atomically, with mode perm: write's
// error, or a failure to put the file in place, leaves the path as it was
// and no temporary file behind.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}

// Check reports whether path can be written the way Write writes it: not a
// directory, and a temporary file can be made beside it (it is removed at
// once). A report path is checked before a run sends anything.
func Check(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s: is a directory", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.probe")
	if err != nil {
		return fmt.Errorf("%s: cannot be written: %w", path, err)
	}
	_ = f.Close() // empty, removed next
	return os.Remove(f.Name())
}
