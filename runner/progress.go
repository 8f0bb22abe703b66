package runner

import (
	"fmt"
	"time"
)

// progress reports how far a run is: a live line rewritten in place on a
// terminal, a plain line every 10 s otherwise (CI logs).
type progress struct {
	o     *Options
	total int
	last  time.Time
	done  int
	shown bool
}

func newProgress(o *Options, total int) *progress {
	return &progress{o: o, total: total, last: time.Now()}
}

func (p *progress) update(c *collector) {
	p.done++
	every := 10 * time.Second
	if p.o.Terminal {
		every = 100 * time.Millisecond
	}
	if time.Since(p.last) < every && p.done != p.total {
		return
	}
	p.last = time.Now()
	line := fmt.Sprintf("vcheck: %d/%d cases, %d finding group(s), %d transport failure group(s)", p.done, p.total, len(c.groups), len(c.transport))
	if p.o.Terminal {
		fmt.Fprintf(p.o.Progress, "\r\033[K%s", line)
		p.shown = true
		return
	}
	fmt.Fprintln(p.o.Progress, line)
}

func (p *progress) stop() {
	if p.shown {
		fmt.Fprintln(p.o.Progress)
	}
}
