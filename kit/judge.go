package kit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/proxy"
)

// Outcome is how an SDK operation ended, as a kit adapter reports it in
// an observation's result and as a scenario's expectation names it.
type Outcome string

// The outcomes.
const (
	OutcomeSuccess        Outcome = "success"         // the SDK returned a value
	OutcomeAPIError       Outcome = "api_error"       // the SDK raised its error for an API answer
	OutcomeTimeout        Outcome = "timeout"         // the SDK gave up waiting
	OutcomeTransportError Outcome = "transport_error" // the connection failed (reset, closed, refused)
	OutcomeParseError     Outcome = "parse_error"     // the SDK could not read the answer
	OutcomeStuck          Outcome = "stuck"           // the SDK call had not returned by the adapter's deadline
	OutcomeUnsupported    Outcome = "unsupported"     // the adapter cannot run this operation
)

// Cell is a scenario's verdict state, as the kit matrix shows it.
type Cell string

// The cells of the kit matrix.
const (
	CellPass    Cell = "✓"   // every expectation held
	CellFail    Cell = "✗"   // an expectation failed
	CellPartial Cell = "~"   // held, but a field was reachable only by parsing the raw body
	CellNA      Cell = "N/A" // the SDK declared the capability unsupported: a gap
	CellNotRun  Cell = "?"   // not run
	CellInvalid Cell = "!"   // invalid run: the proxy or the adapter failed, no verdict
)

// Capability is what an adapter declares its SDK has or lacks
// (Capabilities.Supports) and what a scenario may need (Expect.Needs).
type Capability string

// The capabilities the kit's scenarios need.
const (
	CapabilityRetry   Capability = "retry"   // the SDK retries 429 and 5xx itself
	CapabilityTimeout Capability = "timeout" // the SDK has a client timeout
)

// CheckName names one of the judge's checks. The checks of a field, a
// retry or a redirect have a name per field or attempt, built by the
// judge: "surfaces message", "gap before attempt 2 (ms)", "attempt 2
// re-signed", "attempt 2 to HOST carries no Authorization".
type CheckName string

// The checks with one name.
const (
	CheckResult         CheckName = "result"              // the SDK's result is one of the expected
	CheckStatus         CheckName = "status"              // the API error carries the HTTP status
	CheckErrorCode      CheckName = "errorCode"           // the API error carries the errorCode
	CheckAttempts       CheckName = "attempts"            // the attempts the proxy saw
	CheckStartsExecuted CheckName = "starts executed"     // the starts the upstream executed
	CheckHungUp         CheckName = "client hung up (ms)" // when the client hung up, from the proxy's view
)

// checkSurfaces names the check that the SDK surfaced field.
func checkSurfaces(field string) CheckName { return CheckName("surfaces " + field) }

// checkGap names the check of the gap before attempt n (counted from 1).
func checkGap(n int) CheckName { return CheckName(fmt.Sprintf("gap before attempt %d (ms)", n)) }

// checkResigned names the check that retry attempt n was signed afresh.
func checkResigned(n int) CheckName { return CheckName(fmt.Sprintf("attempt %d re-signed", n)) }

// checkCrossHostAuth names the check that attempt n, to another host,
// carried no credentials.
func checkCrossHostAuth(n int, host string) CheckName {
	return CheckName(fmt.Sprintf("attempt %d to %s carries no Authorization", n, host))
}

// join joins the values of a string type with sep.
func join[S ~string](list []S, sep string) string {
	var b strings.Builder
	for i, s := range list {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(string(s))
	}
	return b.String()
}

// Range is an inclusive range; a nil bound is open.
type Range struct {
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
}

func (r *Range) holds(v float64) bool {
	return r == nil || (r.Min == nil || v >= *r.Min) && (r.Max == nil || v <= *r.Max)
}

// String prints the range as the reports show it: [1..3], [..5000], [1000..].
func (r *Range) String() string {
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	return "[" + f(r.Min) + ".." + f(r.Max) + "]"
}

// Expect is what a kit scenario owes: the SDK's result, the fields it
// surfaces, and what the proxy's record must show.
type Expect struct {
	// Result lists the acceptable results (any of them).
	Result []Outcome `json:"result"`
	// Status is the HTTP status the SDK's error must carry (0: not checked).
	Status int `json:"status,omitempty"`
	// ErrorCode is the errorCode the SDK must surface (0: not checked).
	ErrorCode int `json:"error_code,omitempty"`
	// Fields must be surfaced, non-empty (errorCode, message, reference).
	Fields []string `json:"fields,omitempty"`
	// Attempts bounds the attempts the proxy saw.
	Attempts *Range `json:"attempts,omitempty"`
	// GapMS bounds the gap before each retry (ms).
	GapMS *Range `json:"gap_ms,omitempty"`
	// ExecutedStarts bounds the starts the upstream executed.
	ExecutedStarts *Range `json:"executed_starts,omitempty"`
	// HangUpMS bounds when the client hung up, from the proxy's view.
	HangUpMS *Range `json:"hang_up_ms,omitempty"`
	// Resigned: every retry carries a fresh x-timestamp.
	Resigned bool `json:"resigned,omitempty"`
	// NoCrossHostAuth: no Authorization reaches another host.
	NoCrossHostAuth bool `json:"no_cross_host_auth,omitempty"`
	// Needs is the capability the scenario tests (retry, timeout); an SDK
	// that declares it unsupported scores N/A.
	Needs Capability `json:"needs,omitempty"`
}

// Capabilities is the adapter's first line.
type Capabilities struct {
	SDK      string              `json:"sdk"`
	Version  string              `json:"version"`
	Language string              `json:"language,omitempty"`
	Supports map[Capability]bool `json:"supports"`
}

// Observation is what the adapter saw through the SDK's public API.
type Observation struct {
	ID     string         `json:"id"`
	Result Outcome        `json:"result"`
	Status int            `json:"status,omitempty"`
	Error  map[string]any `json:"error,omitempty"`
	// Raw lists the fields reachable only by parsing the raw body.
	Raw       []string `json:"raw,omitempty"`
	ElapsedMS float64  `json:"elapsed_ms,omitempty"`
	Detail    string   `json:"detail,omitempty"`
}

// Check is one expectation and how it went.
type Check struct {
	Name CheckName `json:"name"`
	OK   bool      `json:"ok"`
	Want string    `json:"want"`
	Got  string    `json:"got"`
}

// Verdict is the cell of one scenario and the checks behind it.
type Verdict struct {
	Cell   Cell    `json:"cell"`
	Checks []Check `json:"checks,omitempty"`
	Reason string  `json:"reason,omitempty"`
}

// startPath is the start request's path: the one that costs money.
const startPath = "/verification/v1/verifications"

// Judge combines the proxy's record of a scenario with the adapter's
// observation into a verdict. obs nil means not run. The record is trusted
// over the SDK for what went over the wire (attempts, gaps, hang-ups).
func Judge(exp Expect, caps Capabilities, obs *Observation, attempts []proxy.Attempt) Verdict {
	if exp.Needs != "" {
		if ok, declared := caps.Supports[exp.Needs]; declared && !ok {
			return Verdict{Cell: CellNA, Reason: fmt.Sprintf("the SDK declares no %s support", exp.Needs)}
		}
	}
	if obs == nil {
		return Verdict{Cell: CellNotRun, Reason: "no observation"}
	}
	for _, a := range attempts {
		if a.ProxyError != "" && a.ProxyError != "request body unreadable" {
			return Verdict{Cell: CellInvalid, Reason: "proxy failure: " + a.ProxyError}
		}
	}
	switch obs.Result {
	case OutcomeUnsupported:
		return Verdict{Cell: CellNA, Reason: "the adapter cannot run this operation: " + obs.Detail}
	case OutcomeSuccess, OutcomeAPIError, OutcomeTimeout, OutcomeTransportError, OutcomeParseError, OutcomeStuck:
	default:
		return Verdict{Cell: CellInvalid, Reason: fmt.Sprintf("adapter reported result %q", obs.Result)}
	}
	if len(attempts) == 0 {
		return Verdict{Cell: CellInvalid, Reason: "the SDK sent nothing to the proxy"}
	}
	var v Verdict
	add := func(name CheckName, ok bool, want, got string) {
		v.Checks = append(v.Checks, Check{Name: name, OK: ok, Want: want, Got: got})
	}
	add(CheckResult, slices.Contains(exp.Result, obs.Result), join(exp.Result, "|"), string(obs.Result)+detail(obs))
	if exp.Status != 0 && obs.Result == OutcomeAPIError {
		add(CheckStatus, obs.Status == exp.Status, strconv.Itoa(exp.Status), strconv.Itoa(obs.Status))
	}
	if exp.ErrorCode != 0 && obs.Result == OutcomeAPIError {
		got, ok := errorCode(obs.Error["errorCode"])
		add(CheckErrorCode, ok && got == exp.ErrorCode, strconv.Itoa(exp.ErrorCode), fmt.Sprint(obs.Error["errorCode"]))
	}
	partial := false
	if obs.Result == OutcomeAPIError {
		for _, f := range exp.Fields {
			val, ok := obs.Error[f]
			ok = ok && val != nil && fmt.Sprint(val) != ""
			add(checkSurfaces(f), ok, "non-empty", fmt.Sprint(val))
			if ok && slices.Contains(obs.Raw, f) {
				partial = true
			}
		}
	}
	if exp.Attempts != nil {
		add(CheckAttempts, exp.Attempts.holds(float64(len(attempts))), exp.Attempts.String(), strconv.Itoa(len(attempts)))
	}
	if exp.GapMS != nil {
		for i, a := range attempts[1:] {
			if a.GapMS != nil {
				add(checkGap(i+2), exp.GapMS.holds(*a.GapMS), exp.GapMS.String(), strconv.FormatFloat(*a.GapMS, 'f', 0, 64))
			}
		}
	}
	if exp.ExecutedStarts != nil {
		n := 0
		for _, a := range attempts {
			if a.Method == "POST" && strings.TrimSuffix(a.Path, "/") == startPath && a.Upstream {
				n++
			}
		}
		add(CheckStartsExecuted, exp.ExecutedStarts.holds(float64(n)), exp.ExecutedStarts.String(), strconv.Itoa(n))
	}
	if exp.HangUpMS != nil {
		got := "never"
		ok := false
		for _, a := range attempts {
			if a.ClientHungUpMS != nil {
				got = strconv.FormatFloat(*a.ClientHungUpMS, 'f', 0, 64)
				ok = exp.HangUpMS.holds(*a.ClientHungUpMS)
			}
		}
		add(CheckHungUp, ok, exp.HangUpMS.String(), got)
	}
	if exp.Resigned {
		for i, a := range attempts {
			if a.Retry && a.Resigned != nil {
				add(checkResigned(i+1), *a.Resigned, "fresh x-timestamp", "same x-timestamp")
			}
		}
	}
	if exp.NoCrossHostAuth && len(attempts) > 0 {
		home := hostOnly(attempts[0].Host)
		for i, a := range attempts[1:] {
			if host := hostOnly(a.Host); host != home {
				add(checkCrossHostAuth(i+2, host), a.Auth == "", "none", a.Auth)
			}
		}
	}
	v.Cell = CellPass
	for _, c := range v.Checks {
		if !c.OK {
			v.Cell = CellFail
			v.Reason = fmt.Sprintf("%s: want %s, got %s", c.Name, c.Want, c.Got)
			return v
		}
	}
	if partial {
		v.Cell = CellPartial
		v.Reason = "fields reachable only by parsing the raw body: " + strings.Join(obs.Raw, ", ")
	}
	return v
}

// detail is the observation's detail for the result check's got, cut to
// 120 bytes; a success carries none.
func detail(o *Observation) string {
	if o.Result == OutcomeSuccess || o.Detail == "" {
		return ""
	}
	d := o.Detail
	if len(d) > 120 {
		d = d[:120] + "..."
	}
	return " (" + d + ")"
}

// errorCode reads an errorCode surfaced as a number or a numeric string.
func errorCode(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		return int(x), x == float64(int(x))
	case json.Number:
		n, err := strconv.Atoi(string(x))
		return n, err == nil
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}
