package runner

import (
	"fmt"
	"io"

	"github.com/vcheck/vcheck/internal/atomicfile"
)

// reportPerm is the mode of every report and baseline file.
const reportPerm = 0o644

// writeFileAtomic writes a report through write (atomicfile.Write), so an
// interrupted run leaves the old file or none, never half a file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, reportPerm, write); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return nil
}

// checkWritable reports whether path can be written the way
// writeFileAtomic writes it (atomicfile.Check).
func checkWritable(path string) error { return atomicfile.Check(path) }
