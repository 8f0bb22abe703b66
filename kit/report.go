package kit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vcheck/vcheck/proxy"
)

// Result is one scenario's outcome.
type Result struct {
	ID           string          `json:"id"`
	Group        Group           `json:"group"`
	Level        Level           `json:"level"`
	Why          string          `json:"why"`
	Expect       Expect          `json:"expect"`
	Verdict      Verdict         `json:"verdict"`
	Observation  *Observation    `json:"observation,omitempty"`
	Attempts     []proxy.Attempt `json:"attempts,omitempty"`
	KnownFailing bool            `json:"known_failing,omitempty"`
	KnownReason  string          `json:"known_reason,omitempty"`
	WallMS       float64         `json:"wall_ms,omitempty"`
	// Fault is how the adapter broke the protocol here (cell !).
	Fault *Fault `json:"fault,omitempty"`
	// Notes are anomalies that did not stop the judging (unknown fields).
	Notes []string `json:"notes,omitempty"`
}

// cell is the result's cell as the reports print it: a fault names its
// kind, a known failure says so.
func (res Result) cell() string {
	c := string(res.Verdict.Cell)
	if res.Fault != nil {
		c += " " + string(res.Fault.Kind)
	}
	if res.KnownFailing {
		c += " (known)"
	}
	return c
}

// judged reports whether the result has a verdict on the SDK.
func (res Result) judged() bool {
	switch res.Verdict.Cell {
	case CellInvalid, CellNotRun:
		return false
	}
	return true
}

// Summary counts the cells of a run.
type Summary struct {
	Cells map[Cell]int `json:"cells"`
	// Exercised counts scenarios judged ✓, ✗ or ~.
	Exercised int `json:"exercised"`
	// Failing lists must scenarios that failed and are not known failing.
	Failing []string `json:"failing,omitempty"`
	// Fixed lists known-failing scenarios that passed.
	Fixed []string `json:"fixed,omitempty"`
	// Invalid lists scenarios without a verdict (!).
	Invalid []string `json:"invalid,omitempty"`
	// KnownFailed lists known-failing scenarios that failed (✗).
	KnownFailed []string `json:"known_failed,omitempty"`
	// Unjudged lists must scenarios not known failing that have no
	// verdict (! or ?): their failure would fail the run, so the run is
	// no pass without them.
	Unjudged []string `json:"unjudged,omitempty"`
	// Faults counts the scenarios the adapter broke, by Fault.Kind.
	Faults map[FaultKind]int `json:"faults,omitempty"`
}

// Report is one SDK's kit run.
type Report struct {
	SDK     Capabilities `json:"sdk"`
	Started time.Time    `json:"started"`
	Results []Result     `json:"results"`
	Summary Summary      `json:"summary"`
	// Restarts counts the adapter restarts after faults.
	Restarts int `json:"restarts,omitempty"`

	// scrub is the run's proxy scrubber: every writer goes through it, as
	// the record does, since an observation or a verdict may quote what an
	// adapter sent. nil for a report read back (scrubbed when written).
	scrub *proxy.Scrubber
}

// through writes what write writes to w, scrubbed when the report has a
// scrubber.
func (r *Report) through(w io.Writer, write func(io.Writer) error) error {
	if r.scrub == nil {
		return write(w)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	_, err := io.WriteString(w, r.scrub.String(buf.String()))
	return err
}

// Summarize fills Summary from Results.
func (r *Report) Summarize() {
	s := Summary{Cells: map[Cell]int{}}
	for _, res := range r.Results {
		c := res.Verdict.Cell
		s.Cells[c]++
		switch c {
		case CellPass, CellFail, CellPartial:
			s.Exercised++
		case CellInvalid:
			s.Invalid = append(s.Invalid, res.ID)
		}
		if c == CellFail && res.Level == LevelMust && !res.KnownFailing {
			s.Failing = append(s.Failing, res.ID)
		}
		if c == CellFail && res.KnownFailing {
			s.KnownFailed = append(s.KnownFailed, res.ID)
		}
		if !res.judged() && res.Level == LevelMust && !res.KnownFailing {
			s.Unjudged = append(s.Unjudged, res.ID)
		}
		if res.Fault != nil {
			if s.Faults == nil {
				s.Faults = map[FaultKind]int{}
			}
			s.Faults[res.Fault.Kind]++
		}
		if res.KnownFailing && (c == CellPass || c == CellPartial) {
			s.Fixed = append(s.Fixed, res.ID)
		}
	}
	r.Summary = s
}

// Counts is the run in words, for a summary line: "31 scenarios: 14
// pass, 3 fail (2 known), 8 partial, 6 n/a". Pass and fail are always
// named; the other cells when they occur.
func (s Summary) Counts() string {
	total := 0
	for _, n := range s.Cells {
		total += n
	}
	parts := []string{fmt.Sprintf("%d pass", s.Cells[CellPass])}
	fail := fmt.Sprintf("%d fail", s.Cells[CellFail])
	if n := len(s.KnownFailed); n > 0 {
		fail += fmt.Sprintf(" (%d known)", n)
	}
	parts = append(parts, fail)
	for _, c := range []struct {
		cell Cell
		name string
	}{{CellPartial, "partial"}, {CellNA, "n/a"}, {CellInvalid, "invalid"}, {CellNotRun, "not run"}} {
		if n := s.Cells[c.cell]; n > 0 {
			p := fmt.Sprintf("%d %s", n, c.name)
			if c.cell == CellInvalid && len(s.Faults) > 0 {
				var kinds []string
				for _, k := range []FaultKind{FaultTimeout, FaultBadLine, FaultCrash} {
					if s.Faults[k] > 0 {
						kinds = append(kinds, fmt.Sprintf("%d %s", s.Faults[k], k))
					}
				}
				p += " (" + strings.Join(kinds, ", ") + ")"
			}
			parts = append(parts, p)
		}
	}
	return fmt.Sprintf("%d scenarios: %s", total, strings.Join(parts, ", "))
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error { return r.through(w, r.writeJSON) }

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// ReadReport reads a JSON report written by WriteJSON.
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.SDK.SDK == "" || len(r.Results) == 0 {
		return nil, fmt.Errorf("%s: not a kit report (no sdk or no results)", path)
	}
	return &r, nil
}
