package main

import (
	"context"
	"fmt"
	"io"

	"github.com/vcheck/vcheck/runner"
)

func init() {
	register(command{name: "diff", summary: "show how error behaviour differs between two runs' JSON reports", run: runDiff})
}

// diffEpilog is the end of vcheck diff -h: its arguments and exit codes.
const diffEpilog = `arguments:
  A.json  the JSON report (vcheck run --json FILE) of one run, the reference
  B.json  the JSON report of the run to compare with it: codes whose coverage changed,
          finding groups (code, check, defect) and errata observations in one run only

exit codes:
  0  the two runs' error behaviour is the same
  1  the runs differ (the differences are printed)
  2  not two arguments, or a report that cannot be read (the message names the file)
`

func runDiff(_ context.Context, args []string, out, _ io.Writer) error {
	fs := newFlags("diff", "A.json B.json", out)
	fs.epilog = diffEpilog
	if err := fs.parseWithArgs(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("want two JSON reports (vcheck run --json FILE), got %d argument(s)", fs.NArg())
	}
	a, err := runner.ReadSummary(fs.Arg(0))
	if err != nil {
		return usagef("%v", err)
	}
	b, err := runner.ReadSummary(fs.Arg(1))
	if err != nil {
		return usagef("%v", err)
	}
	d := runner.Diff(a, b)
	if err := runner.WriteDiff(out, d); err != nil {
		return err
	}
	if !d.Empty() {
		return fmt.Errorf("the runs differ: %w", errContractBroken)
	}
	return nil
}
