package runner

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// defaultRemoteRate bounds requests per second to a non-loopback target
// when --rate is not given: a sandbox quota is shared and a nightly run
// must not be what trips its rate limit.
const defaultRemoteRate = 5

// Run runs the suite as o says and returns what it found. The error is nil
// when the run completed, whatever it found (see Summary.Verdict); it wraps
// ErrConfig for a usage or configuration error (nothing was sent) and
// ErrUnreachable when the target could not be reached at all.
func Run(ctx context.Context, o Options) (*Summary, error) {
	if err := o.normalise(); err != nil {
		return nil, err
	}
	cat := o.Catalog
	if cat == nil {
		cat = contracts.DefaultCatalog()
	}
	// In an update run, baseline is the one being replaced (nil for a new
	// file); read and validated before anything is sent either way.
	var baseline *Baseline
	if o.Baseline != "" {
		b, err := loadBaselineForRun(&o)
		if err != nil {
			return nil, err
		}
		baseline = b
	}
	if o.Seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		o.Seed = binary.LittleEndian.Uint64(b[:]) | 1
	}

	tgt := Target{Embedded: o.Target == "", Loopback: true}
	if !tgt.Embedded {
		t, err := ParseTarget(o.Target)
		if err != nil {
			return nil, configf("%v", err)
		}
		tgt = t
	}
	magic := o.MockMagic || tgt.Embedded
	copts := conformance.Options{Catalog: cat, Magic: magic, Basic: o.Basic, TestNumber: o.TestNumber}
	if err := copts.Validate(); err != nil {
		return nil, configf("%v", err)
	}
	sel := selectFamilies(conformance.Families(copts), &o, tgt.Loopback)
	var cases []planned
	if o.Replay != "" {
		name, seed, err := parseReplay(o.Replay)
		if err != nil {
			return nil, err
		}
		i := -1
		for j := range sel.families {
			if sel.families[j].Name == name {
				i = j
			}
		}
		if i < 0 {
			return nil, configf("--replay %q: no family %q is selected here (families: %s)", o.Replay, name, familyList(sel.families))
		}
		cases = []planned{{fam: &sel.families[i], seed: seed}}
	} else {
		cases = plan(sel.families, &o, o.Seed)
	}
	if len(cases) == 0 {
		return nil, configf("nothing to send: no family is left after --only/--skip, the shard and the safety rules")
	}

	s := &Summary{Version: o.Version, Seed: o.Seed, Started: time.Now().UTC(), Planned: len(cases), Embedded: tgt.Embedded}
	if o.Shards > 1 {
		s.Shard = fmt.Sprintf("%d/%d", o.Shard, o.Shards)
	}
	if o.DryRun {
		return s, dryRun(&o, tgt, cases)
	}

	cred := o.Credentials
	if tgt.Embedded {
		running, defaultCred, err := startEmbedded(ctx, &o, cat)
		if err != nil {
			return nil, configf("embedded mock: %v", err)
		}
		defer running.Close()
		tgt.URL = running.URL
		if cred.Key == "" && cred.Secret.IsZero() {
			cred = defaultCred
		}
	}
	if cred.Key == "" || cred.Secret.IsZero() {
		return nil, configf("no credentials: set --key and --secret, or SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET")
	}
	if _, err := cred.Secret.Key(); err != nil && !o.Basic {
		return nil, configf("--secret: %v", err)
	}
	s.Target = tgt.URL
	if tgt.Embedded {
		s.Target = "embedded mock (" + tgt.URL + ")"
	}
	fmt.Fprintf(o.Progress, "vcheck: %s, seed %d, %d cases in %d families\n", s.Target, o.Seed, len(cases), len(sel.families))

	d := &doer{client: newHTTPClient(o.Concurrency), budget: int64(o.Budget), timeout: o.Timeout, retries: o.Retries}
	r := o.Rate
	if r == 0 && !tgt.Loopback {
		r = defaultRemoteRate
	}
	if r > 0 {
		d.limiter = rate.NewLimiter(rate.Limit(r), max(1, int(r)))
	}

	var report *jsonReport
	if o.JSON != "" {
		rep, err := newJSONReport(o.JSON)
		if err != nil {
			return nil, configf("%v", err)
		}
		report = rep
		defer func() {
			if report != nil {
				report.Abort()
			}
		}()
	}
	oracle := conformance.Oracle{Catalog: cat, Policy: o.Policy}
	col := newCollector(&o, cat, oracle, tgt.URL, report)
	target := conformance.Target{BaseURL: tgt.URL, Credentials: cred}

	if err := preflight(ctx, d, tgt.URL); err != nil {
		s.Verdict = VerdictUnreachable
		s.Transport = []Group{{Check: classifyKind(err), Family: "preflight", Count: 1,
			Message: fmt.Sprintf("GET %s/verification/v1/verifications/id/vcheck-preflight: %v", tgt.URL, err)}}
		col.summary(s, sel.excluded, magic)
		s.Duration = time.Since(s.Started)
		werr := writeReports(&o, s, report)
		report = nil
		return s, errors.Join(fmt.Errorf("%s: %w: %v", tgt.URL, ErrUnreachable, err), werr)
	}

	wait := time.Second // a rate-limit answer without Retry-After: wait this long
	if tgt.Embedded {
		wait = embeddedVelocity + 50*time.Millisecond
	}
	execute(ctx, &o, d, target, oracle, cases, col, wait)
	if ctx.Err() == nil {
		shrinkGroups(ctx, &o, d, target, oracle, col)
	}
	s.Requests = int(d.used.Load())
	col.summary(s, sel.excluded, magic)
	for k, v := range sel.skipped {
		if s.SkippedWhy == nil {
			s.SkippedWhy = map[string]int{}
		}
		s.SkippedWhy[k] += v
	}
	s.Duration = time.Since(s.Started)
	var gone []BaselineEntry
	if baseline != nil {
		gone = baseline.Apply(s)
	}
	s.Verdict = verdict(s)
	if ctx.Err() != nil {
		// Interrupted: no report is written rather than a partial one
		// that reads like a complete run.
		return s, ctx.Err()
	}
	// An update run accepts what it found: it writes the baseline before
	// the reports, and the reports and the verdict are those of a run
	// compared with the baseline just written.
	var updated string
	if o.UpdateBaseline {
		nb, ch := UpdateBaseline(baseline, s, time.Now())
		if err := WriteBaseline(o.Baseline, nb); err != nil {
			return s, err
		}
		gone = nil
		nb.Apply(s)
		s.Verdict = verdict(s)
		updated = fmt.Sprintf("baseline: wrote %s: %s", o.Baseline, ch)
	}
	if err := writeReports(&o, s, report); err != nil {
		report = nil
		return s, err
	}
	report = nil
	if err := WriteText(o.Out, s); err != nil {
		return s, err
	}
	for _, e := range gone {
		if e.Exercised(s) {
			fmt.Fprintf(o.Out, "baseline: %s no longer occurs (%s); --update-baseline drops it\n", e.Key(), e.Reason)
		}
	}
	if updated != "" {
		fmt.Fprintln(o.Out, updated)
	}
	if s.Sent == 0 && s.Verdict == VerdictPass {
		return s, configf("the run exercised nothing: %d planned cases, none judged (%v)", s.Planned, s.SkippedWhy)
	}
	return s, nil
}

// verdict: broken when an open (not accepted) finding group is left that a
// re-send did not disprove; else unreachable when transport failures
// remain; else pass.
func verdict(s *Summary) Verdict {
	for _, g := range s.Groups {
		if !g.Accepted && !g.Flaky {
			return VerdictBroken
		}
	}
	if len(s.Transport) > 0 {
		return VerdictUnreachable
	}
	return VerdictPass
}

func classifyKind(err error) string {
	var te *TransportError
	if errors.As(err, &te) {
		return te.Kind
	}
	return TransportOther
}

// preflight checks that the target answers HTTP at all; any answer will do.
func preflight(ctx context.Context, d *doer, baseURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/verification/v1/verifications/id/vcheck-preflight", nil)
	if err != nil {
		return err
	}
	resp, err := d.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// writeReports writes the report files the options ask for, atomically.
func writeReports(o *Options, s *Summary, report *jsonReport) error {
	var errs []error
	if report != nil {
		errs = append(errs, report.Finish(s))
	}
	if o.JUnit != "" {
		errs = append(errs, writeFileAtomic(o.JUnit, func(w io.Writer) error { return WriteJUnit(w, s) }))
	}
	if o.Markdown != "" {
		errs = append(errs, writeFileAtomic(o.Markdown, func(w io.Writer) error { return WriteMarkdown(w, s) }))
	}
	return errors.Join(errs...)
}

// execute draws the cases in one goroutine (rapid's Draw is not safe for
// concurrent use) and sends them from o.Concurrency workers; the collector
// runs in the calling goroutine.
func execute(ctx context.Context, o *Options, d *doer, target conformance.Target, oracle conformance.Oracle, cases []planned, col *collector, wait time.Duration) {
	jobs := make(chan job, o.Concurrency)
	results := make(chan result, o.Concurrency)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- runCase(ctx, d, target, oracle, j, wait)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, p := range cases {
			if d.left() == 0 || ctx.Err() != nil {
				col.skippedLate.Add(1)
				continue
			}
			select {
			case jobs <- job{p: p, c: conformance.DrawOne(*p.fam, p.seed)}:
			case <-ctx.Done():
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	prog := newProgress(o, len(cases))
	defer prog.stop()
	for r := range results {
		col.add(r)
		prog.update(col)
	}
	if n := col.skippedLate.Load(); n > 0 {
		why := "budget spent"
		if ctx.Err() != nil {
			why = "run interrupted"
		}
		col.skipped[why] += int(n)
	}
}

// maxRateLimitWaits bounds how often a case answered with an unasked-for
// rate-limit error is re-sent after waiting.
const maxRateLimitWaits = 2

// job is a drawn case on its way to a worker.
type job struct {
	p planned
	c conformance.Case
}

func runCase(ctx context.Context, d *doer, target conformance.Target, oracle conformance.Oracle, j job, wait time.Duration) (res result) {
	c := j.c
	res = result{p: j.p, c: c}
	start := time.Now()
	defer func() { res.durMS = float64(time.Since(start).Microseconds()) / 1000 }()
	for tries := 0; ; tries++ {
		cd := &caseDoer{d: d}
		res.attempts++
		resp, err := conformance.Send(ctx, cd, target, c)
		if err == nil && cd.bodyErr != nil {
			err = cd.bodyErr
		}
		if err != nil {
			res.err = err
			return res
		}
		fs := oracle.Judge(c, resp)
		res.resp, res.findings = resp, fs
		if len(fs) != 1 || fs[0].Check != conformance.CheckRateLimited {
			return res
		}
		if tries == maxRateLimitWaits {
			res.rateLimit = true
			return res
		}
		if sleep(ctx, retryAfter(resp.Header, wait, 10*time.Second)) != nil {
			res.err = ctx.Err()
			return res
		}
	}
}
