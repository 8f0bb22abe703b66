package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/internal/atomicfile"
	"github.com/vcheck/vcheck/internal/loopback"
	"github.com/vcheck/vcheck/kit"
	"github.com/vcheck/vcheck/mock"
)

func init() {
	register(command{name: "kit", summary: "SDK error-handling kit: list, export, run an adapter, report", run: runKit})
}

const kitUsage = `usage: vcheck kit list [--json]
       vcheck kit export --format gherkin|vectors
       vcheck kit run [--only IDS] [--known-failing FILE] [--timeout D] [--start-timeout D] [--scenario-timeout D] [--json F --junit F --markdown F] -- ADAPTER...
       vcheck kit report A.json B.json...

vcheck kit SUBCOMMAND -h (or vcheck help kit SUBCOMMAND) for its flags and exit codes.

exit codes: those of kit run (0 pass, 1 a must scenario failed, 3 nothing judged); 2 usage,
a bad file or report, for every subcommand`

func runKit(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return usagef("a subcommand: list, export, run or report\n%s", kitUsage)
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprintln(out, kitUsage)
		return errHelp
	case "list":
		return kitList(args[1:], out)
	case "export":
		return kitExport(args[1:], out)
	case "run":
		return kitRun(ctx, args[1:], out, errOut)
	case "report":
		return kitReport(args[1:], out)
	}
	return usagef("unknown kit subcommand %q\n%s", args[0], kitUsage)
}

func kitList(args []string, out io.Writer) error {
	fs := newFlags("kit list", "[--json]", out)
	fs.epilog = "exit codes:\n  0  the scenarios were listed\n  2  a bad flag\n"
	asJSON := fs.Bool("json", false, "print the scenarios as JSON")
	if err := fs.parse(args); err != nil {
		return err
	}
	k, err := kit.Load()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(k.Scenarios)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tOPERATION\tWHY")
	for _, s := range k.Scenarios {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.ID, s.Level, s.Operation, s.Why)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d scenarios. vcheck kit run -- ADAPTER runs them; a proxy session takes {\"scenario\": ID}.\n", len(k.Scenarios))
	return nil
}

func kitExport(args []string, out io.Writer) error {
	fs := newFlags("kit export", "--format gherkin|vectors", out)
	fs.epilog = "exit codes:\n  0  the scenarios were written to stdout\n  2  a bad flag or --format\n"
	format := fs.String("format", "", "gherkin (Cucumber features) or vectors (offline parsing vectors, JSON)")
	if err := fs.parse(args); err != nil {
		return err
	}
	k, err := kit.Load()
	if err != nil {
		return err
	}
	switch *format {
	case "gherkin":
		return k.WriteGherkin(out)
	case "vectors":
		return k.WriteVectors(out)
	}
	return usagef("--format %q: want gherkin or vectors", *format)
}

func kitRun(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("kit run", "[--only IDS] [--known-failing FILE] [--timeout D] [--start-timeout D] [--scenario-timeout D] [--json F --junit F --markdown F] -- ADAPTER...", out)
	fs.epilog = kitRunEpilog
	only := fs.String("only", "", "comma-separated scenario ids, groups or PREFIX.* (default: all)")
	knownFile := fs.String("known-failing", "", "file of scenario ids expected to fail, one per line, optional '# reason'")
	upstream := fs.String("upstream", "embedded", "API behind the proxy: embedded (the reference mock, in-process) or a loopback base URL")
	timeout := fs.Duration("timeout", 3*time.Second, "client timeout the adapter is asked to use")
	startTimeout := fs.Duration("start-timeout", kit.DefaultStartTimeout, "how long the adapter may take to print its capabilities line, at the start and after a restart (a JVM starts slowly)")
	scenarioTimeout := fs.Duration("scenario-timeout", 0, "how long one scenario may take, from its line sent to its observation read; past it the adapter is killed and restarted (0: the adapter's deadline_ms + 10s, 20s with the default --timeout)")
	jsonOut := fs.String("json", "", "write the JSON report to this file")
	junitOut := fs.String("junit", "", "write a JUnit XML report to this file")
	mdOut := fs.String("markdown", "", "write the Markdown matrix to this file")
	if err := fs.parseWithArgs(args); err != nil {
		return err
	}
	adapter := fs.Args()
	if len(adapter) == 0 {
		return usagef("no adapter: vcheck kit run [flags] -- ADAPTER...")
	}
	k, err := kit.Load()
	if err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"timeout", *timeout}, {"start-timeout", *startTimeout}, {"scenario-timeout", *scenarioTimeout}} {
		if d.v < 0 || d.v == 0 && d.name != "scenario-timeout" {
			return usagef("--%s %v: want a positive duration", d.name, d.v)
		}
	}
	o := kit.Options{Adapter: adapter, Timeout: *timeout, StartTimeout: *startTimeout, ScenarioTimeout: *scenarioTimeout, Stderr: errOut}
	if dl := o.Deadline(); *scenarioTimeout > 0 && *scenarioTimeout <= dl {
		fmt.Fprintf(errOut, "vcheck kit: warning: --scenario-timeout %v is not past the adapter's deadline (%v): an SDK that hangs is killed as a timeout before its adapter can report stuck\n", *scenarioTimeout, dl)
	}
	if *only != "" {
		o.Only = strings.Split(*only, ",")
	}
	if _, err := k.Select(o.Only); err != nil {
		return usagef("--only: %v", err)
	}
	if *knownFile != "" {
		if o.KnownFailing, err = readKnownFailing(k, *knownFile); err != nil {
			return usagef("--known-failing: %v", err)
		}
	}
	if *upstream != "embedded" {
		u, err := loopback.ParseBaseURL("--upstream", *upstream)
		if err != nil {
			return usagef("%v", err)
		}
		if !loopback.URL(u) {
			return usagef("--upstream %s: the kit starts verifications; use embedded or a loopback mock", u.Redacted())
		}
	}
	up, err := newUpstream(*upstream, mock.DefaultCredentials())
	if err != nil {
		return err
	}
	o.Upstream, o.Handler, o.Credentials = up.url, up.handler, up.cred
	if !up.embedded() {
		o.Credentials.Key = os.Getenv("SINCH_APPLICATION_KEY")
		o.Credentials.Secret = contracts.NewSecret(os.Getenv("SINCH_APPLICATION_SECRET"))
	}
	rep, err := kit.Run(ctx, k, o)
	if err != nil {
		if errors.Is(err, kit.ErrAdapter) {
			return withExit(err, errUnreachable)
		}
		return err
	}
	for path, write := range map[string]func(io.Writer) error{*jsonOut: rep.WriteJSON, *junitOut: rep.WriteJUnit, *mdOut: rep.WriteMarkdown} {
		if path == "" {
			continue
		}
		if err := writeFileAtomic(path, write); err != nil {
			return fmt.Errorf("report %s: %w", path, err)
		}
	}
	if err := rep.WriteMarkdown(out); err != nil {
		return err
	}
	return kitVerdict(rep, errOut)
}

// kitReportEpilog is the end of kit report -h: its arguments and exit codes.
const kitReportEpilog = `arguments:
  A.json B.json...  JSON reports of vcheck kit run --json, one per SDK; the Markdown matrix
                    has a column per report, in the order given, and a row per scenario

exit codes:
  0  the Markdown matrix was written to stdout
  2  no report given, or a report that cannot be read (the message names the file)
`

// kitRunEpilog is the end of kit run -h: the adapter and the exit codes.
const kitRunEpilog = `arguments:
  -- ADAPTER...  the adapter's command line after --, run once and restarted when it crashes
                 (the protocol: docs/kit-adapter-protocol.md)

exit codes: 0 every must scenario passed (or is in --known-failing); 1 a must scenario not in
--known-failing failed; 3 nothing could be judged, the adapter never started, or a must scenario
not in --known-failing has no verdict (the adapter timed out, printed a bad line or crashed on it,
or it was not run); 2 usage. Should and info scenarios are reported and never change the exit.
`

// kitVerdict ends a run with one summary line and the exit code it
// names: a must scenario that could not be judged is no pass (3), but a
// definite must failure is the stronger news (1).
func kitVerdict(rep *kit.Report, errOut io.Writer) error {
	s := rep.Summary
	line := s.Counts()
	if rep.Restarts > 0 {
		line += fmt.Sprintf(", %d adapter restart(s)", rep.Restarts)
	}
	unjudged := ""
	if len(s.Unjudged) > 0 {
		unjudged = "; must-level scenarios without a verdict: " + strings.Join(s.Unjudged, ", ")
	}
	fixed := ""
	if len(s.Fixed) > 0 {
		fixed = "; known failing but passed (remove from --known-failing): " + strings.Join(s.Fixed, ", ")
	}
	switch {
	case s.Exercised == 0:
		return withExit(fmt.Errorf("%s; exit 3: the run exercised nothing, not a pass%s", line, unjudged), errUnreachable)
	case len(s.Failing) > 0:
		return withExit(fmt.Errorf("%s; exit 1: must-level failures not in --known-failing: %s%s%s", line, strings.Join(s.Failing, ", "), unjudged, fixed), errContractBroken)
	case len(s.Unjudged) > 0:
		return withExit(fmt.Errorf("%s; exit 3%s%s", line, unjudged, fixed), errUnreachable)
	}
	fmt.Fprintf(errOut, "vcheck kit: %s; exit 0%s\n", line, fixed)
	return nil
}

// readKnownFailing reads "ID [# reason]" lines; an unknown id is an error.
func readKnownFailing(k *kit.Kit, path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, "#")
		id = strings.TrimSpace(id)
		if _, ok := k.Scenario(id); !ok {
			return nil, fmt.Errorf("%s:%d: unknown scenario %q", path, n, id)
		}
		m[id] = strings.TrimSpace(reason)
	}
	return m, sc.Err()
}

func kitReport(args []string, out io.Writer) error {
	fs := newFlags("kit report", "A.json B.json...", out)
	fs.epilog = kitReportEpilog
	if err := fs.parseWithArgs(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("want one or more JSON reports of vcheck kit run --json")
	}
	var reps []*kit.Report
	for _, path := range fs.Args() {
		r, err := kit.ReadReport(path)
		if err != nil {
			return usagef("%v", err)
		}
		reps = append(reps, r)
	}
	return kit.WriteMatrix(out, reps)
}

// writeFileAtomic writes a kit report through a temporary file renamed
// into place (atomicfile), with the mode it has always had.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, 0o600, write)
}
