package runner

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/internal/junit"
)

// WriteJUnit writes one testcase per code and check (classname
// vcheck.CODE, name the check), a failure for each group of findings, an
// error testcase per transport failure group (and one for an unreachable
// target), and a skipped testcase for each code the run did not exercise.
func WriteJUnit(w io.Writer, s *Summary) error {
	suite := junit.Suite{Name: "vcheck"}
	failures := map[string][]Group{}
	for _, g := range s.Groups {
		if g.Accepted || g.Flaky {
			continue
		}
		k := strconv.Itoa(g.Code) + "/" + g.Check
		failures[k] = append(failures[k], g)
	}
	for _, t := range s.Checks {
		c := junit.TestCase{Classname: "vcheck." + strconv.Itoa(t.Code), Name: t.Check, Time: "0"}
		c.SystemOut = fmt.Sprintf("%d passed, %d failed", t.Passed, t.Failed)
		if gs := failures[strconv.Itoa(t.Code)+"/"+t.Check]; len(gs) > 0 {
			var text strings.Builder
			for _, g := range gs {
				writeGroupText(&text, g)
			}
			c.Failure = &junit.Message{Message: gs[0].Message, Type: "contract", Text: text.String()}
			c.SystemOut = text.String()
		}
		suite.Cases = append(suite.Cases, c)
	}
	for i, g := range s.Transport {
		var text strings.Builder
		writeGroupText(&text, g)
		suite.Cases = append(suite.Cases, junit.TestCase{
			Classname: "vcheck.transport", Name: fmt.Sprintf("%s-%d", g.Check, i+1), Time: "0",
			Error: &junit.Message{Message: g.Message, Type: "transport", Text: text.String()}, SystemOut: text.String(),
		})
	}
	for _, cov := range s.Coverage {
		if cov.Exercised > 0 {
			continue
		}
		suite.Cases = append(suite.Cases, junit.TestCase{
			Classname: "vcheck." + strconv.Itoa(cov.Code), Name: "coverage", Time: "0",
			Skipped: &junit.Message{Message: cov.State + ": " + cov.Why},
		})
	}
	// The verdict is a testcase of its own, so the file says what the exit
	// code says on every path: a failure for a broken contract (a missing
	// required code included), an error for a target that could not be
	// reached or judged and for the user's setup.
	verdict := junit.TestCase{Classname: "vcheck.run", Name: "verdict", Time: "0", SystemOut: verdictLine(s) + ": " + s.Reason}
	switch msg := &(junit.Message{Message: verdictLine(s) + ": " + s.Reason, Type: string(s.Verdict), Text: s.Reason}); s.Verdict {
	case VerdictPass:
	case VerdictBroken:
		verdict.Failure = msg
	default:
		verdict.Error = msg
	}
	// First, so a reader that shows the file in order starts with the
	// verdict and its cause.
	suite.Cases = append([]junit.TestCase{verdict}, suite.Cases...)
	suite.Time = junit.Seconds(s.Duration)
	return junit.Write(w, suite)
}

// writeGroupText renders a group for humans: what failed, how often, and
// how to reproduce it.
func writeGroupText(w io.Writer, g Group) {
	fmt.Fprintf(w, "%s [%d x, family %s]\n", g.Message, g.Count, g.Family)
	if g.Example.Defect != "" {
		fmt.Fprintf(w, "  defect:  %s\n", g.Example.Defect)
	}
	if g.Example.Status != 0 {
		fmt.Fprintf(w, "  got:     HTTP %d %s\n", g.Example.Status, oneLine(g.Example.Body, 300))
	}
	if g.Example.Curl != "" {
		fmt.Fprintf(w, "  curl:    %s\n", g.Example.Curl)
	}
	if g.Example.Replay != "" {
		fmt.Fprintf(w, "  replay:  %s\n", g.Example.Replay)
	}
	if g.Unconfirmed != "" {
		fmt.Fprintf(w, "  not confirmed: %s\n", g.Unconfirmed)
	}
	if g.Accepted {
		fmt.Fprintf(w, "  accepted by the baseline: %s\n", g.Reason)
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
