package runner

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// DiffReport is how error behaviour differs between two runs.
type DiffReport struct {
	A, B string
	// Coverage lists codes whose coverage state changed.
	Coverage []CoverageChange
	// OnlyA and OnlyB are finding groups present in one run only.
	OnlyA, OnlyB []Group
	// Observations lists errata observations present in one run only.
	ObservationsA, ObservationsB []Observation
}

// CoverageChange is one code whose state differs between the runs.
type CoverageChange struct {
	Code int
	A, B string
}

// Empty reports whether the runs behaved the same.
func (d DiffReport) Empty() bool {
	return len(d.Coverage) == 0 && len(d.OnlyA) == 0 && len(d.OnlyB) == 0 && len(d.ObservationsA) == 0 && len(d.ObservationsB) == 0
}

// Diff compares two runs' summaries: per-code coverage state, finding
// groups (by Group.Key: code, check, class and observed value, whatever
// variant each run drew) and errata observations.
func Diff(a, b *Summary) DiffReport {
	d := DiffReport{A: a.Target, B: b.Target}
	states := map[int][2]string{}
	var codes []int
	for _, c := range a.Coverage {
		states[c.Code] = [2]string{c.State, "absent"}
		codes = append(codes, c.Code)
	}
	for _, c := range b.Coverage {
		s, ok := states[c.Code]
		if !ok {
			s[0] = "absent"
			codes = append(codes, c.Code)
		}
		s[1] = c.State
		states[c.Code] = s
	}
	for _, code := range codes {
		if s := states[code]; s[0] != s[1] {
			d.Coverage = append(d.Coverage, CoverageChange{Code: code, A: s[0], B: s[1]})
		}
	}
	d.OnlyA = groupsMissing(a.Groups, b.Groups)
	d.OnlyB = groupsMissing(b.Groups, a.Groups)
	obsKey := func(o Observation) string { return fmt.Sprintf("%d/%d/%s", o.Erratum, o.Code, o.Text) }
	in := func(os []Observation, o Observation) bool {
		return slices.ContainsFunc(os, func(x Observation) bool { return obsKey(x) == obsKey(o) })
	}
	for _, o := range a.Observations {
		if !in(b.Observations, o) {
			d.ObservationsA = append(d.ObservationsA, o)
		}
	}
	for _, o := range b.Observations {
		if !in(a.Observations, o) {
			d.ObservationsB = append(d.ObservationsB, o)
		}
	}
	return d
}

// groupsMissing returns the deviations of from that in lacks, one group per
// deviation (its variants' counts summed): runs at different seeds draw
// different variants of one deviation, and that is no difference.
func groupsMissing(from, in []Group) []Group {
	var out []Group
	at := map[string]int{}
	for _, g := range from {
		if slices.ContainsFunc(in, func(x Group) bool { return sameDeviation(x, g) }) {
			continue
		}
		if i, ok := at[g.Key()]; ok {
			out[i].Count += g.Count
			continue
		}
		at[g.Key()] = len(out)
		out = append(out, g)
	}
	return out
}

// sameDeviation compares groups by their key; a group without an observed
// value where its check records one comes from a report written before
// groups recorded it, and matches any observed value.
func sameDeviation(a, b Group) bool {
	if a.Code != b.Code || a.Check != b.Check || a.Class() != b.Class() {
		return false
	}
	legacy := checkObserves(a.Check) && (a.Observed == "" || b.Observed == "")
	return legacy || a.Observed == b.Observed
}

// WriteDiff renders a DiffReport for people.
func WriteDiff(w io.Writer, d DiffReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "A: %s\nB: %s\n", d.A, d.B)
	if d.Empty() {
		b.WriteString("\nsame error behaviour: coverage, findings and errata observations agree\n")
	}
	if len(d.Coverage) > 0 {
		b.WriteString("\ncoverage changed:\n")
		for _, c := range d.Coverage {
			fmt.Fprintf(&b, "  %d: %s -> %s\n", c.Code, c.A, c.B)
		}
	}
	for _, part := range []struct {
		title string
		gs    []Group
	}{{"findings only in A", d.OnlyA}, {"findings only in B", d.OnlyB}} {
		if len(part.gs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", part.title)
		for _, g := range part.gs {
			fmt.Fprintf(&b, "  %d %s [%s]: %s (%d x)\n", g.Code, g.Check, g.Class(), oneLine(g.Message, 200), g.Count)
		}
	}
	for _, part := range []struct {
		title string
		os    []Observation
	}{{"errata observations only in A", d.ObservationsA}, {"errata observations only in B", d.ObservationsB}} {
		if len(part.os) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", part.title)
		for _, o := range part.os {
			fmt.Fprintf(&b, "  erratum %d (%d): %s\n", o.Erratum, o.Code, o.Text)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
