package runner

import (
	"errors"
	"io"

	"github.com/vcheck/vcheck/contracts"
)

// Reporter is where a run's results go: a report file, the text summary,
// or a Go caller's own code. Run and Merge call Report once, with the
// summary whose Verdict and Reason every report states, on every path that
// ends with a verdict (a run that is interrupted ends without one: no
// reporter writes a partial report). Reporters are called in the order
// given, from one goroutine, and each is used for one run.
//
// A Reporter may also be a Checker (its destination is checked before
// anything is sent), a CaseReporter (it takes every case), a
// ProgressReporter (it follows how far the run is) and an io.Closer (closed
// as Run or Merge returns, on every path, after Report if that was called).
type Reporter interface {
	Report(*Summary) error
}

// Checker is a Reporter whose destination can refuse it, such as a file in
// a directory that does not exist. Run and Merge call Check on every
// reporter that has it before the first request is sent (before the first
// report is read): an error ends the call with a *ConfigError whose
// Reporter is this one, and nothing is sent.
type Checker interface {
	Check() error
}

// CaseReporter is a Reporter that takes every case as it is judged,
// skipped or failed, in order (the JSON report streams them to its file).
// Merge hands it every shard's cases, in shard order. Case may not keep rec
// after it returns.
type CaseReporter interface {
	Reporter
	Case(rec *CaseRecord)
}

// ProgressReporter is a Reporter that follows how far a run is: Progress
// is called once with Done 0 after the checks and before the first
// request, then after each case. Merge never calls it.
type ProgressReporter interface {
	Reporter
	Progress(Progress)
}

// Progress is how far a run is, as a CaseReporter hears it.
type Progress struct {
	// Target names the target the way reports do.
	Target string
	Seed   uint64
	// Planned counts the cases of the plan, Families their families.
	Planned, Families int
	// Done counts the cases done so far: judged, skipped or failed.
	Done int
	// Groups and Transport count the finding groups and transport failure
	// groups so far.
	Groups, Transport int
}

// File is a Reporter that writes the summary to a file through Write,
// atomically: a temporary file beside Path renamed into place only when
// Write and the flush succeed. Check makes sure a file can be made there.
type File struct {
	Path  string
	Write func(io.Writer, *Summary) error
}

// Check reports whether Path can be written: not a directory, and a
// temporary file can be made beside it.
func (f *File) Check() error { return checkWritable(f.Path) }

// Report writes the file.
func (f *File) Report(s *Summary) error {
	return writeFileAtomic(f.Path, func(w io.Writer) error { return f.Write(w, s) })
}

// JUnitFile writes the JUnit XML report (WriteJUnit) to path.
func JUnitFile(path string) *File { return &File{Path: path, Write: WriteJUnit} }

// MarkdownFile writes the Markdown summary to path, detailing at most
// maxFindings finding groups after the causes (0 means 20, negative means
// the causes only; never more than 100).
func MarkdownFile(path string, maxFindings int) *File {
	max := findingsMax(maxFindings)
	return &File{Path: path, Write: func(w io.Writer, s *Summary) error { return writeMarkdown(w, s, max) }}
}

// HTMLFile writes the HTML report (WriteHTML) to path; cat names the
// errata, nil means the embedded catalog.
func HTMLFile(path string, cat *contracts.Catalog) *File {
	return &File{Path: path, Write: func(w io.Writer, s *Summary) error { return WriteHTML(w, s, cat) }}
}

// findingsMax reads a MaxFindings-style bound: 0 is the default, negative
// is none.
func findingsMax(n int) int {
	if n == 0 {
		return defaultMaxFindings
	}
	return n
}

// reporters is the list a run reports to.
type reporters []Reporter

// check calls every Checker; the first refusal is a ConfigError naming it.
func (rs reporters) check() error {
	for _, r := range rs {
		if c, ok := r.(Checker); ok {
			if err := c.Check(); err != nil {
				e := configErr("Reporters", ref("Reporters"), " ", err)
				e.Reporter = r
				return e
			}
		}
	}
	return nil
}

func (rs reporters) progress(p Progress) {
	for _, r := range rs {
		if c, ok := r.(ProgressReporter); ok {
			c.Progress(p)
		}
	}
}

func (rs reporters) add(rec *CaseRecord) {
	for _, r := range rs {
		if c, ok := r.(CaseReporter); ok {
			c.Case(rec)
		}
	}
}

// takesCases reports whether any reporter takes the cases: only then are
// their records built.
func (rs reporters) takesCases() bool {
	for _, r := range rs {
		if _, ok := r.(CaseReporter); ok {
			return true
		}
	}
	return false
}

// report hands s to every reporter, each whatever the others did, and
// joins their errors.
func (rs reporters) report(s *Summary) error {
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.Report(s))
	}
	return errors.Join(errs...)
}

// close closes every reporter that is an io.Closer.
func (rs reporters) close() {
	for _, r := range rs {
		if c, ok := r.(io.Closer); ok {
			_ = c.Close()
		}
	}
}
