package runner

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// defaultRemoteRate bounds requests per second to a non-loopback target
// when --rate is not given: a sandbox quota is shared and a nightly run
// must not be what trips its rate limit.
const defaultRemoteRate = 5

// Run runs the suite as o says, hands the results to reps, and returns
// the summary. reps may be empty: the Summary holds everything a run found
// (reports add the cases one by one; see CaseReporter).
//
// Every destination is checked (Checker) before the first request, so a
// report that cannot be written is a configuration error that costs no
// request. Once the options are valid and the destinations writable, every
// path ends with a Summary whose Verdict and Reason each reporter is handed
// (Report), except an interrupted run, which reports nothing rather than a
// partial run. The error is nil when the run judged the target (pass or
// broken); it is a *ConfigError (wrapping ErrConfig) for a usage or
// configuration error (with a Summary of VerdictConfig when the target
// refused the credentials), and wraps ErrUnreachable when the target could
// not be reached or judged (VerdictUnreachable, VerdictUnjudged). A
// reporter that fails adds its error.
func Run(ctx context.Context, o Options, reps ...Reporter) (*Summary, error) {
	p, err := prepare(&o)
	if err != nil {
		return nil, err
	}
	rs := reporters(reps)
	defer rs.close()
	if err := rs.check(); err != nil {
		return nil, err
	}
	tgt, cat, sel, cases := p.tgt, p.cat, p.sel, p.cases
	requests := func() int64 { return 0 } // HTTP requests sent so far

	s := p.summary(&o)
	oracle := conformance.Oracle{Catalog: cat, Policy: o.Policy}
	// stop ends a run that could not be judged: the reports are written
	// with the verdict and its reason, so they say what the exit code says.
	stop := func(col *collector, v Verdict, reason string, err error) (*Summary, error) {
		s.Verdict, s.Reason = v, reason
		if col != nil {
			col.summary(s, sel.excluded, p.magic)
		}
		s.Requests = int(requests())
		s.Duration = time.Since(s.Started)
		return s, errors.Join(err, rs.report(s))
	}

	cred := o.Credentials
	if tgt.Embedded {
		running, defaultCred, err := startEmbedded(ctx, &o, cat)
		if err != nil {
			return nil, configErr("", "embedded mock: ", err)
		}
		defer running.Close()
		tgt.URL = running.URL
		if cred.Key == "" && cred.Secret.IsZero() {
			cred = defaultCred
		}
	}
	s.Target = tgt.URL
	if tgt.Embedded {
		s.Target = "embedded mock (" + tgt.URL + ")"
	}
	if cred.Key == "" || cred.Secret.IsZero() {
		reason := "no credentials: set --key and --secret, or SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET"
		return stop(nil, VerdictConfig, reason, configErr("Credentials", "no credentials: set ", ref("Credentials")))
	}
	if _, err := cred.Secret.Key(); err != nil && !o.Basic {
		return stop(nil, VerdictConfig, "--secret: "+err.Error(), configErr("Credentials.Secret", ref("Credentials.Secret"), ": ", err))
	}
	prog := Progress{Target: s.Target, Seed: o.Seed, Planned: len(cases), Families: len(sel.families)}
	rs.progress(prog)

	d := &doer{client: newHTTPClient(o.Concurrency), budget: int64(o.Budget), timeout: o.Timeout, retries: o.Retries}
	if o.Transport != nil {
		d.client.Transport = o.Transport
	}
	requests = d.used.Load
	r := o.Rate
	if r == 0 && !tgt.Loopback {
		r = defaultRemoteRate
	}
	if r > 0 {
		d.limiter = rate.NewLimiter(rate.Limit(r), max(1, int(r)))
	}

	col := newCollector(&o, cat, oracle, tgt.URL, rs, prog)
	target := conformance.Target{BaseURL: tgt.URL, Credentials: cred}

	switch pf := preflight(ctx, d, target, o.Basic); {
	case pf.err != nil:
		s.Transport = []Group{{Check: classifyKind(pf.err), Family: "preflight", Count: 1,
			Message: fmt.Sprintf("GET %s%s: %v", tgt.URL, preflightPath, pf.err)}}
		reason := fmt.Sprintf("the target could not be reached: %v", pf.err)
		return stop(col, VerdictUnreachable, reason, fmt.Errorf("%s: %w: %w", tgt.URL, ErrUnreachable, pf.err))
	case pf.refused != "" && !tgt.Embedded:
		// The embedded mock was handed these very credentials, so a refusal
		// there is the mock's own fault and the run goes on to judge it; any
		// other target refusing a correctly signed lookup means the key, the
		// secret or this machine's clock is wrong: the user's setup, not a
		// contract failure, and no reason to spend the budget on 401s.
		reason := "the target refused the credentials: " + pf.refused
		return stop(col, VerdictConfig, reason, configErr("Credentials", reason))
	}

	wait := time.Second // a rate-limit answer without Retry-After: wait this long
	if tgt.Embedded {
		wait = embeddedVelocity + 50*time.Millisecond
	}
	execute(ctx, &o, d, tgt, target, oracle, cases, col, wait)
	if ctx.Err() == nil {
		shrinkGroups(ctx, &o, d, target, oracle, col, wait, !tgt.Loopback)
	}
	s.Requests = int(d.used.Load())
	col.summary(s, sel.excluded, p.magic)
	for k, v := range sel.skipped {
		if s.SkippedWhy == nil {
			s.SkippedWhy = map[string]int{}
		}
		s.SkippedWhy[k] += v
	}
	s.Duration = time.Since(s.Started)
	var gone []BaselineEntry
	if p.baseline != nil {
		gone = p.baseline.Apply(s)
	}
	tallyCauses(s)
	s.Verdict, s.Reason = verdict(s, p.judged)
	if ctx.Err() != nil {
		// Interrupted: no report is written rather than a partial one
		// that reads like a complete run.
		return s, ctx.Err()
	}
	// An update run accepts what it found: it writes the baseline before
	// the reports, and the reports and the verdict are those of a run
	// compared with the baseline just written.
	if o.UpdateBaseline {
		nb, ch := UpdateBaseline(p.baseline, s, time.Now())
		if err := WriteBaseline(o.Baseline, nb); err != nil {
			return s, err
		}
		gone = nil
		nb.Apply(s)
		tallyCauses(s)
		s.Verdict, s.Reason = verdict(s, p.judged)
		s.BaselineUpdate = fmt.Sprintf("baseline: wrote %s: %s", o.Baseline, ch)
	}
	for _, e := range gone {
		if e.Exercised(s) {
			s.BaselineGone = append(s.BaselineGone, e)
		}
	}
	if err := rs.report(s); err != nil {
		return s, err
	}
	switch s.Verdict {
	case VerdictUnreachable:
		return s, fmt.Errorf("%w: %s", ErrUnreachable, s.Reason)
	case VerdictUnjudged:
		return s, &unjudgedError{s.Reason}
	}
	return s, nil
}

// prepared is a run's plan, made from the options before anything is
// sent: every configuration error is found here.
type prepared struct {
	cat      *contracts.Catalog
	baseline *Baseline // the one compared with, or replaced (nil: a new file)
	tgt      Target
	magic    bool
	copts    conformance.Options
	sel      selection
	cases    []planned
	required []int // --require-codes as resolved here
	judged   []int // the part of required this shard answers for
}

// summary is the run's Summary before anything is sent: the plan.
func (p *prepared) summary(o *Options) *Summary {
	s := &Summary{Version: o.Version, Seed: o.Seed, Started: time.Now().UTC(), Planned: len(p.cases), Embedded: p.tgt.Embedded, Required: p.required, Flags: runFlags(o)}
	if o.Shards > 1 {
		s.Shard = fmt.Sprintf("%d/%d", o.Shard, o.Shards)
	}
	s.AuthBase = authBaseOf(p.copts, p.sel.families)
	return s
}

// prepare checks o, fills in its defaults (the seed included) and plans
// the run.
func prepare(o *Options) (*prepared, error) {
	if err := o.normalise(); err != nil {
		return nil, err
	}
	p := &prepared{cat: o.Catalog}
	if p.cat == nil {
		p.cat = contracts.DefaultCatalog()
	}
	// In an update run, baseline is the one being replaced (nil for a new
	// file); read and validated before anything is sent either way.
	if o.Baseline != "" {
		b, err := loadBaselineForRun(o)
		if err != nil {
			return nil, err
		}
		p.baseline = b
	}
	if o.Seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		o.Seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
	p.tgt = Target{Embedded: o.Target == "", Loopback: true}
	if !p.tgt.Embedded {
		t, err := parseTarget("", o.Target)
		if err != nil {
			return nil, configErr("Target", ref("Target"), err)
		}
		p.tgt = t
	}
	p.magic = o.MockMagic || p.tgt.Embedded
	p.copts = conformance.Options{Catalog: p.cat, Magic: p.magic, Basic: o.Basic, TestNumber: o.TestNumber, StartBase: sideEffectsAllowed(o, p.tgt.Loopback)}
	if err := p.copts.Validate(); err != nil {
		return nil, configErr("", err)
	}
	p.sel = selectFamilies(conformance.Families(p.copts), o, p.tgt.Loopback)
	if o.Replay != "" {
		name, seed, err := parseReplay(o.Replay)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(p.sel.families, func(f conformance.Family) bool { return f.Name == name })
		if i < 0 {
			return nil, configErr("Replay", ref("Replay"), fmt.Sprintf(" %q: no family %q is selected here (families: %s)", o.Replay, name, familyList(p.sel.families)))
		}
		p.cases = []planned{{fam: &p.sel.families[i], seed: seed}}
	} else {
		p.cases = plan(p.sel.families, o, o.Seed)
	}
	if len(p.cases) == 0 {
		return nil, configErr("", "nothing to send: no family is left after ", ref("Only"), "/", ref("Skip"), ", the shard and the safety rules")
	}
	required, err := requiredCodes(o, p.cat, p.sel, p.magic)
	if err != nil {
		return nil, err
	}
	p.required = required
	p.judged = requiredHere(p.sel.families, o, o.Seed, required) // the rest is judged by vcheck merge
	return p, nil
}

func classifyKind(err error) string {
	var te *TransportError
	if errors.As(err, &te) {
		return te.Kind
	}
	return TransportOther
}

// execute draws the cases in one goroutine (rapid's Draw is not safe for
// concurrent use) and sends them from o.Concurrency workers; the collector
// runs in the calling goroutine.
func execute(ctx context.Context, o *Options, d *doer, tgt Target, target conformance.Target, oracle conformance.Oracle, cases []planned, col *collector, wait time.Duration) {
	jobs := make(chan job, o.Concurrency)
	results := make(chan result, o.Concurrency)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- runCase(ctx, d, target, oracle, j, wait, !tgt.Loopback)
			}
		}()
	}
	giveUp := int64(max(rateLimitGiveUp, 2*o.Concurrency))
	var gaveUp atomic.Int64
	go func() {
		defer close(jobs)
		for _, p := range cases {
			if col.limitedRun.Load() >= giveUp {
				gaveUp.Add(1)
				continue
			}
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
	for r := range results {
		col.add(r)
	}
	if n := col.skippedLate.Load(); n > 0 {
		why := "budget spent"
		if ctx.Err() != nil {
			why = "run interrupted"
		}
		col.skipped[why] += int(n)
	}
	if n := gaveUp.Load(); n > 0 {
		col.skipped[fmt.Sprintf("not sent: the target answered %d cases in a row with rate-limit errors only", giveUp)] += int(n)
	}
}

// rateLimitGiveUp is how many cases in a row (at least; twice the
// concurrency when that is more) may end rate-limited, each after its
// waits, before the run stops sending: a target that answers only 429
// cannot be judged, and waiting out every case would take as long as the
// run has cases.
const rateLimitGiveUp = 16

// maxRateLimitWaits bounds how often a case answered with an unasked-for
// rate-limit error is re-sent after waiting.
const maxRateLimitWaits = 2

// job is a drawn case on its way to a worker.
type job struct {
	p planned
	c conformance.Case
}

// runCase sends one case; an unasked-for rate-limit answer is waited out
// and the case sent again, unless the target is remote and the case has
// setup steps: those start a verification (to the user's --test-number),
// and a second one is not worth a retry.
func runCase(ctx context.Context, d *doer, target conformance.Target, oracle conformance.Oracle, j job, wait time.Duration, remote bool) (res result) {
	c := j.c
	res = result{p: j.p, c: c}
	start := time.Now()
	defer func() { res.durMS = float64(time.Since(start).Microseconds()) / 1000 }()
	for tries := 0; ; tries++ {
		res.attempts++
		resp, err := sendCase(ctx, d, target, c)
		if err != nil {
			res.err = err
			return res
		}
		fs := oracle.Judge(c, resp)
		res.resp, res.findings = resp, fs
		if len(fs) != 1 || fs[0].Check != conformance.CheckRateLimited {
			return res
		}
		if tries == maxRateLimitWaits || (remote && len(c.Setup) > 0) {
			res.rateLimit = true
			return res
		}
		if sleep(ctx, retryAfter(resp.Header, wait, maxRateLimitWait)) != nil {
			res.err = ctx.Err()
			return res
		}
	}
}
