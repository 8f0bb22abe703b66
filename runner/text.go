package runner

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText writes the human summary that ends a run: findings with their
// reproductions, transport failures, errata observations, and the per-code
// coverage matrix. The layout is for people and may change; use the JSON
// report for machines.
func WriteText(w io.Writer, s *Summary) error {
	return writeText(w, s, defaultMaxFindings)
}

// TextSummary returns the Reporter of the human summary (WriteText) on w,
// detailing at most maxFindings finding groups after the causes (0 means
// 20, negative means the causes only), followed by what the run did to its
// baseline.
func TextSummary(w io.Writer, maxFindings int) Reporter {
	return &textReport{w: w, max: findingsMax(maxFindings)}
}

type textReport struct {
	w   io.Writer
	max int
}

func (t *textReport) Report(s *Summary) error {
	if err := writeText(t.w, s, t.max); err != nil {
		return err
	}
	for _, e := range s.BaselineGone {
		fmt.Fprintf(t.w, "baseline: %s no longer occurs (%s); --update-baseline drops it\n", e.Key(), e.Reason)
	}
	if s.BaselineUpdate != "" {
		fmt.Fprintln(t.w, s.BaselineUpdate)
	}
	return nil
}

// writeText is WriteText with the per-group detail bounded to max groups
// (none when max < 0); the causes come first and are never cut.
func writeText(w io.Writer, s *Summary, max int) error {
	causes := openCauses(s.Causes)
	for i, c := range causes {
		fmt.Fprintf(w, "CAUSE %d of %d: %s\n", i+1, len(causes), causeLine(c))
		fmt.Fprintf(w, "  for example: %s\n", c.Message)
		if c.Example.Replay != "" {
			fmt.Fprintf(w, "  replay:  %s\n", c.Example.Replay)
		}
		fmt.Fprintln(w)
	}
	open := openGroups(s.Groups)
	if max < 0 {
		max = 0
	}
	if len(open) > 0 && len(causes) > 0 {
		fmt.Fprintf(w, "DETAIL: %d finding group(s) by code, check and answer\n\n", len(open))
	}
	for i, g := range open {
		if i == max {
			fmt.Fprintf(w, "... %d more finding group(s) in the JSON report (--max-findings)\n\n", len(open)-i)
			break
		}
		label := "FAIL"
		if g.Flaky {
			label = "FLAKY (not reproduced; does not fail the run)"
		}
		fmt.Fprintf(w, "%s %d %s\n", label, g.Code, g.Check)
		writeGroupText(w, g)
		fmt.Fprintln(w)
	}
	for _, g := range s.Transport {
		fmt.Fprintf(w, "TRANSPORT %s\n", g.Check)
		writeGroupText(w, g)
		fmt.Fprintln(w)
	}
	for _, o := range s.Observations {
		fmt.Fprintf(w, "erratum %d (%d): %s (%d x)\n", o.Erratum, o.Code, o.Text, o.Count)
	}
	if len(s.Observations) > 0 {
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tSTATUS\tEXERCISED\tPASSED\tFAILED\tSTATE")
	for _, c := range s.Coverage {
		state := c.State
		if c.Why != "" {
			state += " (" + c.Why + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%s\n", c.Code, c.Status, c.Exercised, c.Passed, c.Failed, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if s.AuthBase != nil {
		fmt.Fprintf(w, "auth defects ride on: %s\n", s.AuthBase)
	}
	exercised := 0
	for _, c := range s.Coverage {
		if c.Exercised > 0 {
			exercised++
		}
	}
	accepted := len(s.Groups) - len(open)
	if s.Reason != "" && s.Reason != reasonPass {
		fmt.Fprintf(w, "\n%s: %s\n", verdictLine(s), s.Reason)
	}
	_, err := fmt.Fprintf(w, "\n%s: %d of %d codes exercised, %d cases sent, %d requests, %d finding group(s), %d accepted by the baseline, %d transport failure group(s), seed %d, %s\n",
		verdictLine(s), exercised, len(s.Coverage), s.Sent, s.Requests, len(open), accepted, len(s.Transport), s.Seed, s.Duration.Round(1e6))
	return err
}
