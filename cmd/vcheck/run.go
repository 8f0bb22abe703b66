package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/runner"
)

func init() {
	register(command{name: "run", summary: "run the suite against the embedded mock or --target URL", run: runRun})
}

func runRun(ctx context.Context, args []string, out, errOut io.Writer) error {
	o, err := runOptions(args, out, errOut)
	if err != nil {
		return err
	}
	if o.DryRun {
		_, err := runner.DryRun(out, o.Options)
		return runError(err, nil) // nothing was sent, so there is no verdict to give
	}
	reps, flags := o.reporters()
	s, err := runner.Run(ctx, o.Options, reps...)
	if err != nil {
		return runError(err, flags)
	}
	return verdictError(s)
}

// runError maps an error of runner.Run, runner.DryRun or runner.Merge to
// the CLI's: a configuration error names flags (flagText), with exit 2; an
// unreachable target gets exit 3.
func runError(err error, reporterFlags map[runner.Reporter]string) error {
	switch {
	case errors.Is(err, runner.ErrConfig):
		return usagef("%s", flagText(err, reporterFlags))
	case errors.Is(err, runner.ErrUnreachable):
		return withExit(err, errUnreachable)
	}
	return err
}

// runConfig is what vcheck run's flags say: how the run executes
// (runner.Options) and where its results go.
type runConfig struct {
	runner.Options
	// JSON, JUnit, Markdown and HTML are report paths ("" for none).
	JSON, JUnit, Markdown, HTML string
	// MaxFindings bounds the finding groups the text and the Markdown
	// detail (runner.TextSummary).
	MaxFindings int
	// DryRun prints the plan instead of running it.
	DryRun bool
	// out gets the text summary, errOut the progress lines (live when
	// terminal).
	out, errOut io.Writer
	terminal    bool
}

// reporters are the run's reporters, in the order they report (the live
// progress line ends before anything else is written), and the flag that
// asked for each report file.
func (c *runConfig) reporters() ([]runner.Reporter, map[runner.Reporter]string) {
	files, flags := c.files()
	reps := append([]runner.Reporter{runner.ProgressLines(c.errOut, c.terminal)}, files...)
	return append(reps, runner.TextSummary(c.out, c.MaxFindings)), flags
}

// files are the report files the flags ask for, and the flag of each.
func (c *runConfig) files() ([]runner.Reporter, map[runner.Reporter]string) {
	var reps []runner.Reporter
	flags := map[runner.Reporter]string{}
	file := func(flag, path string, r runner.Reporter) {
		if path != "" {
			reps = append(reps, r)
			flags[r] = flag
		}
	}
	file("--json", c.JSON, runner.JSONFile(c.JSON))
	file("--junit", c.JUnit, runner.JUnitFile(c.JUnit))
	file("--markdown", c.Markdown, runner.MarkdownFile(c.Markdown, c.MaxFindings))
	file("--html", c.HTML, runner.HTMLFile(c.HTML, c.Catalog))
	return reps, flags
}

// runOptions maps vcheck run's flags, and the --config file under them,
// onto a runConfig; every value is checked here, naming its flag (and the
// file and line when the file set it).
func runOptions(args []string, out, errOut io.Writer) (runConfig, error) {
	fs := newFlags("run", "[--config FILE] [--target URL] [flags]", out)
	fs.epilog = runExitCodes
	var o runConfig
	config := fs.String("config", "", "read run flags from this YAML file: keys are the flag names, relative paths are relative to the file, flags given here win; never secrets")
	fs.StringVar(&o.Target, "target", "", "base URL of the API to test; empty starts the embedded mock on a loopback port")
	key := fs.String("key", "", "application key (default $SINCH_APPLICATION_KEY)")
	secret := fs.String("secret", "", "application secret (default $SINCH_APPLICATION_SECRET; prefer the variable: flags show in ps)")
	auth := fs.String("auth", "signed", "signed (Application scheme) or basic")
	catalog := fs.catalogFlag()
	fs.IntVar(&o.Cases, "cases", 25, "cases drawn per family")
	fs.Uint64Var(&o.Seed, "seed", 0, "seed of the run (0: random, printed); the same seed sends the same requests")
	only := fs.String("only", "", "comma-separated codes: run only the families of these codes")
	skip := fs.String("skip", "", "comma-separated codes: skip the families of these codes")
	fs.IntVar(&o.Concurrency, "concurrency", 8, "cases in flight at once")
	fs.Float64Var(&o.Rate, "rate", 0, "requests per second, token bucket (default: unbounded on loopback, 5 elsewhere)")
	fs.IntVar(&o.Budget, "budget", 0, "total HTTP requests at most (0: no bound); every family gets a case before any gets a second")
	fs.DurationVar(&o.Timeout, "timeout", 0, "timeout per request (default 10s)")
	shard := fs.String("shard", "", "I/N: send only shard I of N of the cases (a CI matrix splits one run)")
	fs.BoolVar(&o.MockMagic, "mock-magic", false, "the target honours the catalog's magic numbers (on for the embedded mock)")
	fs.BoolVar(&o.AllowSideEffects, "allow-side-effects", false, "against a non-loopback target, send cases that start a real verification (needs --test-number)")
	fs.StringVar(&o.TestNumber, "test-number", "", "E.164 number of your own that real verifications may reach")
	fs.BoolVar(&o.DryRun, "dry-run", false, "print the planned requests, secret redacted, and send nothing")
	errata := fs.String("errata", "default", "errata policy: default, strict or lenient")
	fs.StringVar(&o.Drift, "drift", "", "make the embedded mock break the contract in one named way (vcheck serve --drift list)")
	fs.StringVar(&o.Replay, "replay", "", "run one case, FAMILY@SEED as reports print it")
	fs.StringVar(&o.JSON, "json", "", "write the JSON report (every case, the summary) to this file")
	fs.StringVar(&o.JUnit, "junit", "", "write a JUnit XML report to this file")
	fs.StringVar(&o.Markdown, "markdown", "", "write a Markdown summary to this file (for a CI step summary)")
	fs.StringVar(&o.HTML, "html", "", "write a self-contained HTML report to this file (verdict, coverage grid, findings)")
	fs.StringVar(&o.Baseline, "baseline", "", "compare with this baseline: its accepted deviations do not fail the run")
	fs.BoolVar(&o.UpdateBaseline, "update-baseline", false, "accept this run's deviations: update --baseline, keeping every reason that still applies")
	maxFindings := fs.Int("max-findings", 20, "finding groups the text summary details after the causes (0: the causes only); the JSON has all")
	require := fs.String("require-codes", "", "comma-separated codes, or all (every code triggerable on this target): a required code no case exercised fails the run (exit 1)")
	if err := fs.parse(args); err != nil {
		return o, err
	}
	var from map[string]string
	if *config != "" {
		var err error
		if from, err = applyRunFile(fs, *config); err != nil {
			return o, err
		}
	}
	// bad names where a value came from: a flag names itself, a value the
	// file set also names the file and line.
	bad := func(name string, err error) error {
		if at, ok := from[name]; ok {
			return usagef("%v (set at %s)", err, at)
		}
		return usagef("%v", err)
	}
	// A zero that the user typed is refused rather than silently replaced
	// by the default it happens to share with an unset field.
	var zero []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "cases", "concurrency", "rate", "timeout":
			if v, ok := f.Value.(flag.Getter); ok && isZero(v.Get()) {
				zero = append(zero, f.Name)
			}
		}
	})
	if len(zero) > 0 {
		return o, bad(zero[0], fmt.Errorf("--%s 0: want a positive value (leave it out for its default)", zero[0]))
	}
	switch {
	case *maxFindings < 0:
		return o, bad("max-findings", fmt.Errorf("--max-findings %d: want 0 or more", *maxFindings))
	case *maxFindings == 0:
		o.MaxFindings = -1
	default:
		o.MaxFindings = *maxFindings
	}
	switch strings.TrimSpace(*require) {
	case "":
	case "all":
		o.RequireAll = true
	default:
		codes, err := parseCodes("require-codes", *require)
		if err != nil {
			return o, bad("require-codes", err)
		}
		o.RequireCodes = codes
	}
	if *key == "" {
		*key = os.Getenv("SINCH_APPLICATION_KEY")
	}
	if *secret == "" {
		*secret = os.Getenv("SINCH_APPLICATION_SECRET")
	}
	o.Credentials = contracts.Credentials{Key: *key, Secret: contracts.NewSecret(*secret)}
	switch *auth {
	case "signed":
	case "basic":
		o.Basic = true
	default:
		return o, bad("auth", fmt.Errorf("--auth %q: want signed or basic", *auth))
	}
	var err error
	if o.Policy, err = conformance.ParsePolicy(*errata); err != nil {
		return o, bad("errata", fmt.Errorf("--errata: %w", err))
	}
	if o.Only, err = parseCodes("only", *only); err != nil {
		return o, bad("only", err)
	}
	if o.Skip, err = parseCodes("skip", *skip); err != nil {
		return o, bad("skip", err)
	}
	if o.Shard, o.Shards, err = parseShard(*shard); err != nil {
		return o, bad("shard", err)
	}
	if o.Catalog, err = catalog(); err != nil {
		return o, bad("catalog", err)
	}
	o.CatalogPath = fs.Lookup("catalog").Value.String()
	o.out, o.errOut, o.terminal = out, errOut, isTerminal(errOut)
	o.Version = versionString()
	return o, nil
}

// runExitCodes is what vcheck run -h says of its exit codes; the README's
// table says the same.
const runExitCodes = `exit codes (every report states the same verdict):
  0  pass: every check passed (and every --require-codes code was exercised)
  1  broken: the target broke the documented contract, or a required code was not exercised
  2  configuration: a bad flag or file, no credentials, or credentials the target refused
     (found by one signed status lookup before anything else is sent)
  3  the target could not be reached, timed out, or could not be judged
     (for example it answered only rate-limit errors)
`

// verdictError maps a finished run's verdict to its exit code; the reports
// state the same verdict.
func verdictError(s *runner.Summary) error {
	switch s.Verdict {
	case runner.VerdictPass:
		return nil
	case runner.VerdictBroken:
		return fmt.Errorf("%s: %w", s.Reason, errContractBroken)
	case runner.VerdictUnreachable, runner.VerdictUnjudged:
		return withExit(errors.New(s.Reason), errUnreachable)
	case runner.VerdictConfig:
		return usagef("%s", s.Reason)
	}
	return fmt.Errorf("the run ended without a verdict (%q)", s.Verdict)
}

func isZero(v any) bool {
	switch v := v.(type) {
	case int:
		return v == 0
	case float64:
		return v == 0
	case time.Duration:
		return v == 0
	}
	return false
}

// isTerminal reports whether f is a character device: a live progress line
// makes sense on a terminal, not in a CI log, and a command that reads stdin
// can say what it waits for. Anything with a Stat method is asked (an
// *os.File, or a test's fake); anything else is no terminal.
func isTerminal(f any) bool {
	s, ok := f.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	st, err := s.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
