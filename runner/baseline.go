package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// Baseline is a stored set of known, accepted deviations. A run compared
// with it fails only on findings the baseline does not list.
type Baseline struct {
	Format  int             `json:"format"`
	Created time.Time       `json:"created"`
	Target  string          `json:"target"`
	Entries []BaselineEntry `json:"entries"`
}

// BaselineEntry accepts one group of findings (code, check, family), with
// the reason a person gave, e.g. "erratum 1: the sandbox answers 40002".
type BaselineEntry struct {
	Code    int    `json:"code"`
	Check   string `json:"check"`
	Family  string `json:"family"`
	Reason  string `json:"reason"`
	Message string `json:"message,omitempty"`
}

// Key identifies the entry's group.
func (e BaselineEntry) Key() string { return groupKey(e.Code, e.Check, e.Family) }

const baselineFormat = 1

// LoadBaseline reads a baseline file; every entry needs a code, a check, a
// family and a reason, and the error names the entry that lacks one.
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--baseline: %w", err)
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("--baseline %s: not a vcheck baseline: %v", path, err)
	}
	if b.Format != baselineFormat {
		return nil, fmt.Errorf("--baseline %s: format %d, want %d", path, b.Format, baselineFormat)
	}
	for i, e := range b.Entries {
		switch {
		case e.Code == 0 || e.Check == "" || e.Family == "":
			return nil, fmt.Errorf("--baseline %s: entries[%d]: code, check and family are required", path, i)
		case e.Reason == "":
			return nil, fmt.Errorf("--baseline %s: entries[%d] (%s): every accepted deviation needs a reason", path, i, e.Key())
		}
	}
	return &b, nil
}

// Apply marks the summary's groups that the baseline accepts and returns
// the entries that no longer occur (fixed since the baseline was taken).
func (b *Baseline) Apply(s *Summary) (gone []BaselineEntry) {
	seen := map[string]bool{}
	for i := range s.Groups {
		g := &s.Groups[i]
		for _, e := range b.Entries {
			if e.Key() == g.Key() {
				g.Accepted, g.Reason = true, e.Reason
				seen[e.Key()] = true
				break
			}
		}
	}
	for _, e := range b.Entries {
		if !seen[e.Key()] {
			gone = append(gone, e)
		}
	}
	return gone
}

// NewBaseline accepts every finding group of s. Reasons of groups that old
// already accepted are kept; new ones get a reason to be edited by a person.
func NewBaseline(s *Summary, old *Baseline, now time.Time) *Baseline {
	b := &Baseline{Format: baselineFormat, Created: now.UTC(), Target: s.Target}
	for _, g := range s.Groups {
		reason := "accepted with --update-baseline on " + now.UTC().Format("2006-01-02") + "; replace with why this deviation is acceptable"
		if old != nil {
			for _, e := range old.Entries {
				if e.Key() == g.Key() {
					reason = e.Reason
				}
			}
		}
		b.Entries = append(b.Entries, BaselineEntry{Code: g.Code, Check: g.Check, Family: g.Family, Reason: reason, Message: g.Message})
	}
	slices.SortFunc(b.Entries, func(x, y BaselineEntry) int {
		if x.Key() < y.Key() {
			return -1
		}
		if x.Key() > y.Key() {
			return 1
		}
		return 0
	})
	return b
}

// WriteBaseline writes b to path atomically.
func WriteBaseline(path string, b *Baseline) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	})
}
