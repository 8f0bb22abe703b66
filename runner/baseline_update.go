package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// BaselineChange counts what UpdateBaseline did: entries added (a new
// deviation, with a reason to be written), kept (a person's reason carried
// over) and dropped (a deviation the run exercised and no longer saw).
type BaselineChange struct {
	Added, Kept, Dropped int
}

func (c BaselineChange) String() string {
	return fmt.Sprintf("%d added, %d kept, %d dropped", c.Added, c.Kept, c.Dropped)
}

// PlaceholderReason is the reason UpdateBaseline gives a new entry: one
// LoadBaseline accepts, so that the gate works at once, and that says a
// person has to replace it.
func PlaceholderReason(now time.Time) string {
	return "EDIT ME: say why this deviation is acceptable (added by --update-baseline on " + now.UTC().Format("2006-01-02") + ")"
}

// UpdateBaseline returns the baseline an --update-baseline run writes: an
// entry for every finding group of s, with the reason of the entry of old
// (nil for none) that accepts it, or PlaceholderReason; and every entry of
// old that s did not exercise (see Exercised), unchanged. Entries of old
// that s exercised and did not see are dropped.
func UpdateBaseline(old *Baseline, s *Summary, now time.Time) (*Baseline, BaselineChange) {
	b := &Baseline{Format: baselineFormat, Created: now.UTC(), Target: s.Target}
	var ch BaselineChange
	var olds []BaselineEntry
	if old != nil {
		olds = old.Entries
	}
	used := make([]bool, len(olds))
	have := map[string]bool{}
	for _, g := range s.Groups {
		e := BaselineEntry{Code: g.Code, Check: g.Check, Class: g.Class(), Observed: g.Observed, Message: g.Message}
		if have[e.Key()] {
			continue // another variant of a deviation already entered
		}
		have[e.Key()] = true
		e.Reason = PlaceholderReason(now)
		if j := match(olds, g); j >= 0 {
			e.Reason, used[j] = olds[j].Reason, true
			ch.Kept++
		} else {
			ch.Added++
		}
		b.Entries = append(b.Entries, e)
	}
	for j, o := range olds {
		switch {
		case used[j]:
		case o.Exercised(s):
			ch.Dropped++
		default:
			b.Entries = append(b.Entries, o)
			ch.Kept++
		}
	}
	slices.SortFunc(b.Entries, func(x, y BaselineEntry) int { return strings.Compare(x.Key(), y.Key()) })
	return b, ch
}

// WriteBaseline writes b to path atomically: a failed write leaves the
// file as it was.
func WriteBaseline(path string, b *Baseline) error {
	err := writeFileAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	})
	if err != nil {
		return fmt.Errorf("baseline not written, %s left as it was: %w", path, err)
	}
	return nil
}

// loadBaselineForRun reads the baseline a run compares with or updates,
// before anything is sent: an unreadable or invalid baseline is a
// configuration error, never a reason to lose it. For an update a missing
// file is fine (the run creates it), and the directory must take a new
// file, so that an unwritable place does not cost a run.
func loadBaselineForRun(o *Options) (*Baseline, error) {
	if o.UpdateBaseline && o.Replay != "" {
		return nil, configErr("UpdateBaseline", ref("UpdateBaseline"), " with ", ref("Replay"), ": one case cannot say which accepted deviations are gone")
	}
	b, err := LoadBaseline(o.Baseline)
	switch {
	case err == nil:
	case o.UpdateBaseline && errors.Is(err, os.ErrNotExist):
		b = nil
	default:
		return nil, configErr("Baseline", ref("Baseline"), ": ", err)
	}
	if o.UpdateBaseline {
		if err := checkWritable(o.Baseline); err != nil {
			return nil, configErr("UpdateBaseline", ref("UpdateBaseline"), ": ", err)
		}
	}
	return b, nil
}
