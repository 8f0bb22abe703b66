package kit

import (
	"fmt"
	"io"
	"strings"

	"github.com/vcheck/vcheck/internal/junit"
)

// WriteMarkdown writes the scenario x expectation x observed matrix.
func (r *Report) WriteMarkdown(w io.Writer) error { return r.through(w, r.writeMarkdown) }

func (r *Report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## vcheck kit: %s %s\n\n", r.SDK.SDK, r.SDK.Version)
	fmt.Fprintf(&b, "Capabilities: %s. ", capsText(r.SDK))
	fmt.Fprintf(&b, "Cells: %s.\n\n", cellCounts(r.Summary.Cells))
	b.WriteString("| scenario | level | expected | observed | cell | why |\n|---|---|---|---|---|---|\n")
	for _, res := range r.Results {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", res.ID, res.Level, mdEscape(expectText(res.Expect)), mdEscape(observedText(res)), res.cell(), mdEscape(res.Why))
	}
	b.WriteString("\nLegend: ✓ pass, ✗ fail, ~ partial (a field reachable only by parsing the raw body), N/A capability declared unsupported (a gap), ? not run, ! invalid run.\n")
	if len(r.Summary.Failing) > 0 {
		fmt.Fprintf(&b, "\n**Failing must scenarios:** %s\n", strings.Join(r.Summary.Failing, ", "))
	}
	if len(r.Summary.Fixed) > 0 {
		fmt.Fprintf(&b, "\n**Known failing but passed (remove from the list):** %s\n", strings.Join(r.Summary.Fixed, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func capsText(c Capabilities) string {
	var parts []string
	for _, k := range []Capability{CapabilityRetry, CapabilityTimeout} {
		if v, ok := c.Supports[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	if len(parts) == 0 {
		return "none declared"
	}
	return strings.Join(parts, ", ")
}

func cellCounts(m map[Cell]int) string {
	var parts []string
	for _, c := range []Cell{CellPass, CellFail, CellPartial, CellNA, CellNotRun, CellInvalid} {
		if m[c] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, m[c]))
		}
	}
	return strings.Join(parts, ", ")
}

func expectText(e Expect) string {
	parts := []string{join(e.Result, "|")}
	if e.Status != 0 {
		parts = append(parts, fmt.Sprintf("status %d", e.Status))
	}
	if e.ErrorCode != 0 {
		parts = append(parts, fmt.Sprintf("errorCode %d", e.ErrorCode))
	}
	if len(e.Fields) > 0 {
		parts = append(parts, "surfaces "+strings.Join(e.Fields, ", "))
	}
	if e.Attempts != nil {
		parts = append(parts, "attempts "+e.Attempts.String())
	}
	if e.GapMS != nil {
		parts = append(parts, "gap ms "+e.GapMS.String())
	}
	if e.ExecutedStarts != nil {
		parts = append(parts, "starts executed "+e.ExecutedStarts.String())
	}
	if e.HangUpMS != nil {
		parts = append(parts, "hangs up ms "+e.HangUpMS.String())
	}
	if e.Resigned {
		parts = append(parts, "retries re-signed")
	}
	if e.NoCrossHostAuth {
		parts = append(parts, "no Authorization to another host")
	}
	return strings.Join(parts, "; ")
}

func observedText(res Result) string {
	if res.Verdict.Cell == CellPass && res.Observation != nil {
		o := res.Observation
		s := string(o.Result)
		if o.Status != 0 {
			s += fmt.Sprintf(" %d", o.Status)
		}
		if c, ok := o.Error["errorCode"]; ok {
			s += fmt.Sprintf(" errorCode %v", c)
		}
		return fmt.Sprintf("%s; %d attempt(s)", s, len(res.Attempts))
	}
	return res.Verdict.Reason
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

// WriteJUnit writes one testcase per scenario: a failure for ✗ (a must or
// should scenario not known failing), an error for !, skipped for N/A and ?.
func (r *Report) WriteJUnit(w io.Writer) error { return r.through(w, r.writeJUnit) }

func (r *Report) writeJUnit(w io.Writer) error {
	s := junit.Suite{Name: "vcheck kit " + r.SDK.SDK + " " + r.SDK.Version, Time: "0"}
	total := 0.0
	for _, res := range r.Results {
		group, name, _ := strings.Cut(res.ID, ".")
		tc := junit.TestCase{Classname: "vcheck.kit." + group, Name: name, Time: fmt.Sprintf("%.3f", res.WallMS/1000)}
		total += res.WallMS / 1000
		out := fmt.Sprintf("level: %s\nwhy: %s\nexpected: %s\ncell: %s %s\n", res.Level, res.Why, expectText(res.Expect), res.Verdict.Cell, res.Verdict.Reason)
		for _, c := range res.Verdict.Checks {
			out += fmt.Sprintf("check %s: ok=%v want %s got %s\n", c.Name, c.OK, c.Want, c.Got)
		}
		if res.KnownFailing {
			out += "known failing: " + knownReason(res) + "\n"
		}
		tc.SystemOut = out
		switch res.Verdict.Cell {
		case CellFail:
			switch {
			case res.KnownFailing:
				// An adopted gap, not news: the reason is the one the
				// known-failing file gives.
				tc.Skipped = &junit.Message{Message: "known failing (" + string(res.Level) + "): " + knownReason(res) + "; fails: " + res.Verdict.Reason}
			case res.Level == LevelInfo:
				tc.Skipped = &junit.Message{Message: "fails (info, describes behaviour): " + res.Verdict.Reason}
			default:
				tc.Failure = &junit.Message{Message: res.Verdict.Reason, Text: out}
			}
		case CellInvalid:
			// The adapter or the proxy failed, not the SDK's contract.
			tc.Error = &junit.Message{Message: res.Verdict.Reason, Text: out}
			if res.Fault != nil {
				tc.Error.Type = string(res.Fault.Kind)
			}
		case CellNA, CellNotRun:
			tc.Skipped = &junit.Message{Message: string(res.Verdict.Cell) + ": " + res.Verdict.Reason}
		}
		for _, n := range res.Notes {
			tc.SystemOut += "note: " + n + "\n"
		}
		s.Cases = append(s.Cases, tc)
	}
	s.Time = fmt.Sprintf("%.3f", total)
	return junit.Write(w, s)
}

func knownReason(res Result) string {
	if res.KnownReason == "" {
		return "listed in --known-failing, no reason given"
	}
	return res.KnownReason
}

// WriteMatrix renders several SDKs' reports as one matrix: a row per
// scenario, a column per SDK.
func WriteMatrix(w io.Writer, reports []*Report) error {
	var b strings.Builder
	b.WriteString("## vcheck kit: SDK matrix\n\n| scenario | level |")
	for _, r := range reports {
		fmt.Fprintf(&b, " %s %s |", r.SDK.SDK, r.SDK.Version)
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(reports)) + "\n")
	var order []string
	level := map[string]Level{}
	for _, r := range reports {
		for _, res := range r.Results {
			if _, ok := level[res.ID]; !ok {
				order = append(order, res.ID)
				level[res.ID] = res.Level
			}
		}
	}
	for _, id := range order {
		fmt.Fprintf(&b, "| `%s` | %s |", id, level[id])
		for _, r := range reports {
			cell := string(CellNotRun)
			for _, res := range r.Results {
				if res.ID == id {
					cell = res.cell()
				}
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n| totals | |")
	for _, r := range reports {
		fmt.Fprintf(&b, " %s |", cellCounts(r.Summary.Cells))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
