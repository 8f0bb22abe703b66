package runner

import (
	"strconv"
	"time"
)

// Verdict is the outcome of a run.
type Verdict string

// The verdicts, mapped to exit codes by cmd/vcheck: pass 0, broken 1,
// config 2, unreachable and unjudged 3. Every report states the verdict,
// so a report and the exit code never disagree.
const (
	VerdictPass   Verdict = "pass"   // every check passed
	VerdictBroken Verdict = "broken" // the target broke the contract, or a required code was not exercised
	// VerdictConfig is the user's setup, not the target: the target refused
	// correctly signed credentials, none were given, or the budget was
	// spent before any case was judged.
	VerdictConfig      Verdict = "config"
	VerdictUnreachable Verdict = "unreachable" // the target could not be reached or timed out
	// VerdictUnjudged is a target that answered but whose answers judged
	// nothing: only rate-limit errors, or failed setup steps. Nothing
	// judged is never a pass.
	VerdictUnjudged Verdict = "unjudged"
)

// Summary is what a run found, small enough to hold in memory whatever the
// number of cases: findings are grouped, cases are streamed to the JSON
// report and not kept.
type Summary struct {
	Version  string `json:"version"`
	Target   string `json:"target"`
	Embedded bool   `json:"embedded"`
	Seed     uint64 `json:"seed"`
	// Flags are the run's flags that decide its cases and how they are
	// judged (runFlags; never a credential): with Version, Seed and the
	// shard count they tell the shards of one run from another run's.
	Flags []string `json:"flags,omitempty"`
	// Shard is "I/N" for a shard run; Merged counts the shard reports a
	// merged summary was made of.
	Shard    string        `json:"shard,omitempty"`
	Merged   int           `json:"merged,omitempty"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	// Planned, Sent and Skipped count cases; Requests counts HTTP requests
	// (setup steps, retries and confirmations included).
	Planned  int `json:"planned"`
	Sent     int `json:"sent"`
	Skipped  int `json:"skipped"`
	Requests int `json:"requests"`
	// Coverage has one row per documented code, in catalog order.
	Coverage []CodeCoverage `json:"coverage"`
	// Checks tallies each check per code.
	Checks []CheckTally `json:"checks"`
	// Causes are the failing cases by root cause (the same checks failing
	// with the same answers), most cases first; Groups are the same
	// findings by code, check, defect class and answer.
	Causes []Cause `json:"causes,omitempty"`
	Groups []Group `json:"groups"`
	// Transport are the transport failures (refused, reset, timeout, TLS),
	// grouped the same way; never contract results.
	Transport []Group `json:"transport,omitempty"`
	// Observations record which way the target resolved each erratum.
	Observations []Observation `json:"observations,omitempty"`
	// AuthBase says which requests the authentication defects rode on;
	// nil when no authentication family was selected.
	AuthBase *AuthBase `json:"auth_base,omitempty"`
	// SkippedWhy says why planned cases were not sent (budget, safety).
	SkippedWhy map[string]int `json:"skipped_why,omitempty"`
	Verdict    Verdict        `json:"verdict"`
	// Reason says in one line why the run ended with its verdict.
	Reason string `json:"reason,omitempty"`
	// Required are the codes --require-codes asked to be exercised.
	Required []int `json:"required,omitempty"`
	// BaselineGone are the baseline entries that accepted no finding of a
	// run that exercised them (BaselineEntry.Exercised): an update drops
	// them. BaselineUpdate says what an update run wrote. The text summary
	// states both; they are about the baseline file, not the target, and
	// are not in the JSON report.
	BaselineGone   []BaselineEntry `json:"-"`
	BaselineUpdate string          `json:"-"`
}

// Coverage states of a documented code.
const (
	CoveragePassed         = "passed"
	CoverageFailed         = "failed"
	CoverageNotTriggerable = "not triggerable on this target"
	CoverageNotExercised   = "not exercised"
)

// CodeCoverage is one row of the per-code coverage matrix.
type CodeCoverage struct {
	Code      int    `json:"code"`
	Status    string `json:"status"`
	Exercised int    `json:"exercised"`
	Passed    int    `json:"passed"`
	Failed    int    `json:"failed"`
	// State is one of the Coverage constants.
	State string `json:"state"`
	// Why explains a code that was not exercised.
	Why string `json:"why,omitempty"`
}

// CheckTally counts one check's verdicts for one code.
type CheckTally struct {
	Code   int    `json:"code"`
	Check  string `json:"check"`
	Passed int    `json:"passed"`
	Failed int    `json:"failed"`
}

// Group is many findings that fail the same way: one code, one check, one
// family. Example is the first (shrunk and confirmed) case that showed it.
type Group struct {
	Code   int    `json:"code"`
	Check  string `json:"check"`
	Family string `json:"family"`
	// Observed is what the target answered where the check looks at one
	// value (the errorCode, the HTTP status ...; see BaselineEntry):
	// findings that answered differently are different groups.
	Observed string `json:"observed,omitempty"`
	// Cause is the Key of the Cause of the group's first case.
	Cause string `json:"cause,omitempty"`
	Count int    `json:"count"`
	// Message is the first finding's text: subject: operation = got, want want.
	Message string  `json:"message"`
	Example Example `json:"example"`
	// Shrunk is set when Example is a minimised case, not the first one.
	Shrunk bool `json:"shrunk,omitempty"`
	// Unconfirmed says why the example was not confirmed by a re-send;
	// Flaky is set when the re-send did not fail: such a group is reported
	// but does not fail the run (a false alarm costs more than a miss).
	Unconfirmed string `json:"unconfirmed,omitempty"`
	Flaky       bool   `json:"flaky,omitempty"`
	// Accepted is set when a baseline accepts this deviation, with its reason.
	Accepted bool   `json:"accepted,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Key identifies a group's deviation across runs (baselines and diffs):
// code, check, class and observed value, not the drawn variant, so that it
// does not depend on the seed (see BaselineEntry).
func (g Group) Key() string { return deviationKey(g.Code, g.Check, g.Class(), g.Observed) }

func groupKey(code int, check, family string) string {
	return strconv.Itoa(code) + "/" + check + "/" + family
}

// Example reproduces a finding.
type Example struct {
	Case   int    `json:"case"`
	Defect string `json:"defect"`
	// Request is the request as sent, without secrets.
	Request RequestRecord `json:"request"`
	// Status and Body are what came back (the body cut at 4 KiB).
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	// Curl reproduces it with the secret read from the environment.
	Curl string `json:"curl"`
	// Replay is the vcheck command line that replays the case.
	Replay string `json:"replay"`
	// Confirmed is true when re-sending the case showed the same finding.
	Confirmed bool `json:"confirmed"`
}

// Observation records a side a target took on an erratum.
type Observation struct {
	Erratum int    `json:"erratum"`
	Code    int    `json:"code"`
	Text    string `json:"text"`
	Count   int    `json:"count"`
}

// RequestRecord is a request without secrets: the Authorization header is
// replaced by a description of its shape.
type RequestRecord struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}
