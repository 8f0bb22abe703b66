package runner_test

import (
	"context"
	"fmt"

	"github.com/vcheck/vcheck/runner"
)

// failures is a Reporter of one's own: it counts the cases that showed a
// finding, and keeps the verdict.
type failures struct {
	cases, failed int
	verdict       runner.Verdict
}

func (f *failures) Case(rec *runner.CaseRecord) {
	f.cases++
	if len(rec.Findings) > 0 {
		f.failed++
	}
}

func (f *failures) Report(s *runner.Summary) error {
	f.verdict = s.Verdict
	return nil
}

// Run the suite from Go against the embedded mock, two cases per family of
// two codes, and read the results from the Summary and from a reporter of
// one's own; no file is written.
func ExampleRun() {
	var f failures
	s, err := runner.Run(context.Background(), runner.Options{Cases: 2, Seed: 7, Only: []int{40003, 40005}}, &f)
	if err != nil {
		fmt.Println("run:", err)
		return
	}
	fmt.Println("verdict:", s.Verdict, "/", f.verdict)
	fmt.Println("cases judged:", s.Sent, "seen by the reporter:", f.cases, "with findings:", f.failed)
	for _, c := range s.Coverage {
		if c.Code == 40003 || c.Code == 40005 {
			fmt.Println(c.Code, c.State)
		}
	}
	// Output:
	// verdict: pass / pass
	// cases judged: 4 seen by the reporter: 4 with findings: 0
	// 40003 passed
	// 40005 passed
}
