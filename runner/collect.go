package runner

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// result is the outcome of one case, from a worker to the collector.
type result struct {
	p         planned
	c         conformance.Case
	resp      *conformance.Response
	findings  []conformance.Finding
	err       error // transport, setup, budget or cancellation
	attempts  int
	durMS     float64
	rateLimit bool // still rate limited after the allowed waits
}

// collector folds results into a Summary; it runs in one goroutine, so it
// needs no locks, and it keeps groups and counts, never the cases.
type collector struct {
	o         *Options
	cat       *contracts.Catalog
	checks    []string
	baseURL   string
	cov       map[int]*CodeCoverage
	tally     map[tallyKey]*CheckTally
	groups    map[string]*groupState
	order     []string
	transport map[string]*Group
	torder    []string
	obs       map[string]*Observation
	oorder    []string
	skipped   map[string]int
	setupWhy  map[int]string
	sent      int
	reps      reporters
	records   bool // a reporter takes the case records
	prog      Progress
	nextCase  int
	// skippedLate counts planned cases the producer did not send.
	skippedLate atomic.Int64
	causes      map[string]*Cause
	corder      []string
	// limitedRun counts the rate-limited results since the last judged
	// one; the producer gives up on a target that only rate-limits.
	limitedRun atomic.Int64
}

// tallyKey is a check of a code.
type tallyKey struct {
	code  int
	check string
}

// groupState is a group plus what it takes to shrink its first case.
type groupState struct {
	Group
	fam  *conformance.Family
	seed uint64
}

// newCollector returns the collector of a run that reports each case to
// reps, with prog the run's progress before its first case.
func newCollector(o *Options, cat *contracts.Catalog, oracle conformance.Oracle, baseURL string, reps reporters, prog Progress) *collector {
	c := &collector{o: o, cat: cat, baseURL: baseURL, reps: reps, records: reps.takesCases(), prog: prog,
		cov: map[int]*CodeCoverage{}, tally: map[tallyKey]*CheckTally{}, groups: map[string]*groupState{},
		transport: map[string]*Group{}, obs: map[string]*Observation{}, skipped: map[string]int{}, setupWhy: map[int]string{},
		causes: map[string]*Cause{}}
	for _, chk := range oracle.Checks() {
		c.checks = append(c.checks, chk.Name)
	}
	for _, s := range cat.Errors() {
		c.cov[s.Code] = &CodeCoverage{Code: s.Code, Status: s.Status}
	}
	return c
}

func (c *collector) add(r result) {
	// The record is built only for a reporter that takes it: the request
	// record, the cut body and the findings' texts are most of what the
	// collector would otherwise spend on a case.
	rec := &CaseRecord{Case: c.nextCase, Family: r.c.Family, Codes: r.c.Expect.Codes, Defect: r.c.Defect,
		Attempts: r.attempts, DurationMS: r.durMS}
	if c.records {
		rec.Request = record(r.c.Request)
	}
	c.nextCase++
	defer func() {
		if c.records {
			c.reps.add(rec)
		}
		c.prog.Done++
		c.prog.Groups, c.prog.Transport = len(c.groups), len(c.transport)
		c.reps.progress(c.prog)
	}()
	var te *TransportError
	var se *conformance.SetupError
	switch {
	case errors.Is(r.err, errBudget):
		c.skipped["budget spent"]++
		return
	case r.err != nil && errors.As(r.err, &se) && !errors.As(r.err, &te):
		rec.Transport = "inconclusive: " + se.Error()
		c.skipped["setup step failed"]++
		for _, code := range r.c.Expect.Codes {
			c.setupWhy[code] = se.Error()
		}
		return
	case r.err != nil:
		kind := TransportOther
		if errors.As(r.err, &te) {
			kind = te.Kind
		}
		rec.Transport = kind + ": " + r.err.Error()
		c.addTransport(r, kind)
		return
	case r.rateLimit:
		c.skipped["rate limited by the target"]++
		c.limitedRun.Add(1)
		rec.Transport = "inconclusive: answered with a rate-limit error it did not ask for"
		return
	}
	c.limitedRun.Store(0)
	c.sent++
	if c.records {
		rec.Response = &ResponseRecord{Status: r.resp.HTTPStatus, ContentType: r.resp.Header.Get("Content-Type"),
			Body: cut(string(r.resp.Body), maxRecordedBody), BodyBytes: len(r.resp.Body)}
		if r.resp.Error != nil {
			rec.Response.ErrorCode = r.resp.Error.Code
		}
	}
	var violated []string // the checks violated, a few at most
	cause := ""
	if sym, also := symptoms(r.findings); len(sym) > 0 {
		vs := conformance.Violations(r.findings)
		first := vs[0]
		for _, f := range vs {
			if k, _ := symptoms([]conformance.Finding{f}); len(k) == 1 && slices.Contains(sym, k[0]) {
				first = f
				break
			}
		}
		cause = c.addCause(r, sym, also, first.String())
		rec.Cause = cause
	}
	for _, f := range r.findings {
		if c.records {
			rec.Findings = append(rec.Findings, FindingRecord{Check: f.Check, Code: firstCode(f.Codes), Message: f.String()})
		}
		switch f.Severity {
		case conformance.SeverityViolation:
			if !slices.Contains(violated, f.Check) {
				violated = append(violated, f.Check)
			}
			c.addViolation(r, f, cause)
		case conformance.SeverityNote:
			c.addObservation(r, f)
		}
	}
	codes := r.c.Expect.Codes
	if len(codes) == 0 {
		codes = []int{0}
	}
	for _, code := range codes {
		if cov, ok := c.cov[code]; ok {
			cov.Exercised++
			if len(violated) > 0 {
				cov.Failed++
			} else {
				cov.Passed++
			}
		}
		for _, chk := range c.checks {
			k := tallyKey{code, chk}
			t, ok := c.tally[k]
			if !ok {
				t = &CheckTally{Code: code, Check: chk}
				c.tally[k] = t
			}
			if slices.Contains(violated, chk) {
				t.Failed++
			} else {
				t.Passed++
			}
		}
	}
}

func firstCode(codes []int) int {
	if len(codes) == 0 {
		return 0
	}
	return codes[0]
}

func (c *collector) example(r result) Example {
	ex := Example{Defect: r.c.Defect, Request: record(r.c.Request), Curl: Curl(c.o.Command, c.baseURL, r.c),
		Replay: c.replay(r.p.fam.Name, r.c.Seed)}
	if r.resp != nil {
		ex.Status, ex.Body = r.resp.HTTPStatus, cut(string(r.resp.Body), maxRecordedBody)
	}
	return ex
}

// replay is the command line that runs the case again, carrying every flag
// that selects its family or changes what its seed draws or how it is
// judged (caseFlags), so that it runs as printed and fails the same way.
func (c *collector) replay(family string, seed uint64) string {
	return replayLine(c.o, family, seed)
}

func replayLine(o *Options, family string, seed uint64) string {
	s := o.Command + " run"
	for _, f := range caseFlags(o) {
		s += " " + shellQuote(f)
	}
	return s + " --replay " + shellQuote(fmt.Sprintf("%s@%d", family, seed))
}

func (c *collector) addViolation(r result, f conformance.Finding, cause string) {
	code := firstCode(f.Codes)
	obs := observedValue(f)
	key := groupKey(code, f.Check, f.Family) + "/" + obs
	g, ok := c.groups[key]
	if !ok {
		g = &groupState{Group: Group{Code: code, Check: f.Check, Family: f.Family, Observed: obs, Cause: cause, Message: f.String(), Example: c.example(r)},
			fam: r.p.fam, seed: r.c.Seed}
		c.groups[key] = g
		c.order = append(c.order, key)
	}
	g.Count++
}

func (c *collector) addTransport(r result, kind string) {
	code := firstCode(r.c.Expect.Codes)
	key := groupKey(code, kind, r.c.Family)
	g, ok := c.transport[key]
	if !ok {
		g = &Group{Code: code, Check: kind, Family: r.c.Family, Message: fmt.Sprintf("%s %s: %v", r.c.Request.Method, r.c.Request.Path, r.err), Example: c.example(r)}
		c.transport[key] = g
		c.torder = append(c.torder, key)
	}
	g.Count++
}

func (c *collector) addObservation(r result, f conformance.Finding) {
	text := f.Detail
	if text == "" {
		text = fmt.Sprintf("%s = %s", f.Operation, f.Got)
	}
	code := firstCode(f.Codes)
	key := fmt.Sprintf("%d/%d/%s", f.Erratum, code, text)
	o, ok := c.obs[key]
	if !ok {
		o = &Observation{Erratum: f.Erratum, Code: code, Text: text}
		c.obs[key] = o
		c.oorder = append(c.oorder, key)
	}
	o.Count++
}

// summary builds the Summary; excluded says why codes were left out.
func (c *collector) summary(s *Summary, excluded map[int]string, magic bool) {
	s.Sent = c.sent
	for _, spec := range c.cat.Errors() {
		cov := *c.cov[spec.Code]
		switch {
		case cov.Failed > 0:
			cov.State = CoverageFailed
		case cov.Exercised > 0:
			cov.State = CoveragePassed
		case excluded[spec.Code] != "":
			cov.State, cov.Why = CoverageNotTriggerable, excluded[spec.Code]
		case !spec.Trigger.Triggerable() && !magic:
			cov.State, cov.Why = CoverageNotTriggerable, "an account or server condition; the target does not declare magic values (--mock-magic)"
		case c.setupWhy[spec.Code] != "":
			cov.State, cov.Why = CoverageNotExercised, c.setupWhy[spec.Code]
		case len(c.o.Only) > 0 && !slices.Contains(c.o.Only, spec.Code), slices.Contains(c.o.Skip, spec.Code):
			cov.State, cov.Why = CoverageNotExercised, "left out by --only/--skip"
		default:
			cov.State, cov.Why = CoverageNotExercised, "no case reached it (budget, shard or transport failures)"
		}
		s.Coverage = append(s.Coverage, cov)
	}
	// In the order of "CODE/CHECK" as text, as the JSON has always listed them.
	keys := make([]string, 0, len(c.tally))
	by := make(map[string]*CheckTally, len(c.tally))
	for k, t := range c.tally {
		ks := strconv.Itoa(k.code) + "/" + k.check
		keys = append(keys, ks)
		by[ks] = t
	}
	sort.Strings(keys)
	for _, k := range keys {
		s.Checks = append(s.Checks, *by[k])
	}
	for _, k := range c.order {
		s.Groups = append(s.Groups, c.groups[k].Group)
	}
	for _, k := range c.torder {
		s.Transport = append(s.Transport, *c.transport[k])
	}
	s.Causes = c.summaryCauses()
	for _, k := range c.oorder {
		s.Observations = append(s.Observations, *c.obs[k])
	}
	for k, v := range c.skipped {
		if s.SkippedWhy == nil {
			s.SkippedWhy = map[string]int{}
		}
		s.SkippedWhy[k] += v
		s.Skipped += v
	}
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}
