package main

import (
	"context"
	"errors"
	"io"

	"github.com/vcheck/vcheck/runner"
)

func init() {
	register(command{name: "merge", summary: "merge the JSON reports of the shards of one run into one report", run: runMerge})
}

func runMerge(_ context.Context, args []string, out, _ io.Writer) error {
	fs := newFlags("merge", "A.json B.json ... [--json FILE] [--junit FILE] [--markdown FILE] [--html FILE]", out)
	fs.epilog = mergeExitCodes
	var o runConfig
	fs.StringVar(&o.JSON, "json", "", "write the merged JSON report (every shard's cases, the summary) to this file")
	fs.StringVar(&o.JUnit, "junit", "", "write a merged JUnit XML report to this file")
	fs.StringVar(&o.Markdown, "markdown", "", "write a merged Markdown summary to this file")
	fs.StringVar(&o.HTML, "html", "", "write a merged self-contained HTML report to this file")
	// Reports and flags may come in any order: vcheck merge *.json --json all.json.
	var paths []string
	for {
		if err := fs.parseWithArgs(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	o.out = out
	reps, flags := o.mergeReporters()
	s, err := runner.Merge(paths, reps...)
	if err != nil {
		if errors.Is(err, runner.ErrConfig) {
			return usagef("%s", flagText(err, flags))
		}
		return err
	}
	return verdictError(s)
}

// mergeReporters are the report files of a merge and its text summary (no
// progress: a merge sends nothing).
func (c *runConfig) mergeReporters() ([]runner.Reporter, map[runner.Reporter]string) {
	reps, flags := c.files()
	return append(reps, runner.TextSummary(c.out, c.MaxFindings)), flags
}

// mergeExitCodes is what vcheck merge -h says of its exit codes.
const mergeExitCodes = `exit codes, those of vcheck run for the merged verdict (judged again across the shards):
  0  pass   1  broken (a required code no shard exercised included)
  2  a report that cannot be read, reports of different runs (version, seed, flags,
     shard count), a shard given twice or missing; the message names the files
  3  a shard could not reach or judge the target
`
