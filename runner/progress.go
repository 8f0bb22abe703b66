package runner

import (
	"fmt"
	"io"
	"time"
)

// ProgressLines returns the Reporter of progress for people on w: a line
// when the run starts sending, then a live line rewritten in place when
// terminal is set, or a plain line every 10 s otherwise (CI logs), and the
// last count. Its Report only ends the live line.
func ProgressLines(w io.Writer, terminal bool) ProgressReporter {
	return &progress{w: w, terminal: terminal}
}

type progress struct {
	w        io.Writer
	terminal bool
	last     time.Time
	shown    bool
}

func (p *progress) Progress(at Progress) {
	if at.Done == 0 {
		p.last = time.Now()
		fmt.Fprintf(p.w, "vcheck: %s, seed %d, %d cases in %d families\n", at.Target, at.Seed, at.Planned, at.Families)
		return
	}
	every := 10 * time.Second
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if at.Done != at.Planned && time.Since(p.last) < every {
		return
	}
	p.last = time.Now()
	line := fmt.Sprintf("vcheck: %d/%d cases, %d finding group(s), %d transport failure group(s)", at.Done, at.Planned, at.Groups, at.Transport)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.shown = true
		return
	}
	fmt.Fprintln(p.w, line)
}

// Report ends the live line, so that what follows starts on a line of its own.
func (p *progress) Report(*Summary) error { return p.Close() }

// Close ends the live line of a run that ended without a report.
func (p *progress) Close() error {
	if p.shown {
		p.shown = false
		_, err := fmt.Fprintln(p.w)
		return err
	}
	return nil
}
