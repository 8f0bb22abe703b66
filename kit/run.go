package kit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/proxy"
)

// Options configure a kit run.
type Options struct {
	// Upstream is the API base URL behind the proxy, over HTTP.
	Upstream string
	// Handler is the upstream served in-process instead (cmd/vcheck passes
	// the embedded mock); it wins over Upstream.
	Handler http.Handler
	// Credentials are what the adapter's SDK signs with (the upstream's).
	Credentials contracts.Credentials
	// Adapter is the adapter's command line.
	Adapter []string
	// Dir is the adapter's working directory ("" : the current one).
	Dir string
	// Only selects scenarios by id, group or PREFIX.* (empty: all).
	Only []string
	// KnownFailing lists scenarios expected to fail: their failure does
	// not fail the run, and a pass is reported as fixed.
	KnownFailing map[string]string
	// StartTimeout bounds the wait for the adapter's capabilities line,
	// at the start and after each restart; 0 means DefaultStartTimeout.
	StartTimeout time.Duration
	// ScenarioTimeout bounds one scenario, from its line written to its
	// observation read; 0 means the adapter's deadline (MaxHang + 2s)
	// plus 10s. An adapter past it is killed and restarted.
	ScenarioTimeout time.Duration
	// Timeout is the client timeout the adapter is asked to use; 0 means 3s.
	Timeout time.Duration
	// MaxHang bounds a hung answer in the proxy; 0 means 2*Timeout + 2s.
	MaxHang time.Duration
	// Env is added to the adapter's environment.
	Env []string
	// Stderr receives the adapter's stderr (nil: discarded).
	Stderr io.Writer
}

// ErrAdapter means the adapter could not be started or broke the protocol.
var ErrAdapter = errors.New("adapter failed")

// scenarioLine is what the adapter reads, one per line.
type scenarioLine struct {
	ID        string            `json:"id"`
	Operation string            `json:"operation"`
	Input     map[string]string `json:"input"`
	BaseURL   string            `json:"base_url"`
	Key       string            `json:"key"`
	Secret    string            `json:"secret"`
	TimeoutMS int64             `json:"timeout_ms"`
	// DeadlineMS is how long the adapter waits for the SDK call before it
	// reports "stuck" and moves on (an SDK without a timeout can hang).
	DeadlineMS int64 `json:"deadline_ms"`
}

// The defaults of Options' zero timeouts.
const (
	// DefaultStartTimeout bounds the wait for the capabilities line: a JVM
	// adapter started through Gradle or Maven takes many seconds to start.
	DefaultStartTimeout = 30 * time.Second
	// scenarioGrace is what DefaultScenarioTimeout allows beyond the
	// adapter's own deadline: building a client and the first call of a
	// freshly started runtime (class loading, JIT) are slow.
	scenarioGrace = 10 * time.Second
	// maxConsecutiveFaults: after this many scenarios in a row broke the
	// protocol, the adapter is taken to be broken, not one scenario hard,
	// and the rest are not run rather than each waiting its timeout.
	maxConsecutiveFaults = 3
)

// Deadline is the deadline_ms the adapter is given, with Options'
// defaults applied: past MaxHang, so a hung answer ends at the proxy
// before the adapter gives up on the SDK and reports stuck.
func (o Options) Deadline() time.Duration {
	o.defaults()
	return o.MaxHang + 2*time.Second
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.MaxHang <= 0 {
		o.MaxHang = 2*o.Timeout + 2*time.Second
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.ScenarioTimeout <= 0 {
		o.ScenarioTimeout = o.MaxHang + 2*time.Second + scenarioGrace
	}
}

// Run runs the kit: one proxy session per scenario, the scenario sent to
// the adapter, its observation judged with the session's record. An
// adapter that times out, prints a bad line or crashes on a scenario is
// killed, that scenario is reported with its Fault, and a fresh adapter
// runs the next one. An adapter that never prints its capabilities line
// is an ErrAdapter error.
func Run(ctx context.Context, k *Kit, o Options) (*Report, error) {
	scs, err := k.Select(o.Only)
	if err != nil {
		return nil, err
	}
	if len(o.Adapter) == 0 {
		return nil, errors.New("no adapter command (vcheck kit run -- ADAPTER...)")
	}
	o.defaults()
	p, err := proxy.New(proxy.Config{Upstream: o.Upstream, Handler: o.Handler, MaxHang: o.MaxHang, Credentials: []contracts.Credentials{o.Credentials}, Seed: 1})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	scrub := p.Scrubber()

	a, caps, err := start(ctx, o, scrub)
	if err != nil {
		return nil, err
	}
	defer func() {
		if a != nil {
			a.close()
		}
	}()
	rep := &Report{SDK: caps, Started: time.Now().UTC(), scrub: scrub}
	var stopped string // why the rest are not run, once the adapter is gone
	faults := 0        // in a row
	for _, s := range scs {
		res := Result{ID: s.ID, Group: s.Group, Level: s.Level, Why: s.Why, Expect: s.Expect}
		if reason, ok := o.KnownFailing[s.ID]; ok {
			res.KnownFailing, res.KnownReason = true, reason
		}
		if needs := s.Expect.Needs; needs != "" {
			if ok, declared := caps.Supports[needs]; declared && !ok {
				res.Verdict = Judge(s.Expect, caps, nil, nil)
				rep.Results = append(rep.Results, res)
				continue
			}
		}
		if a == nil {
			res.Verdict = Verdict{Cell: CellNotRun, Reason: stopped}
			rep.Results = append(rep.Results, res)
			continue
		}
		info, err := p.NewSession("", s.rules)
		if err != nil {
			return nil, err
		}
		line, _ := json.Marshal(scenarioLine{ID: s.ID, Operation: s.Operation, Input: s.Input, BaseURL: info.BaseURL,
			Key: o.Credentials.Key, Secret: o.Credentials.Secret.Reveal(), TimeoutMS: o.Timeout.Milliseconds(), DeadlineMS: o.Deadline().Milliseconds()})
		t0 := time.Now()
		obs, notes, fault, err := observe(ctx, a, line, s.ID, o.ScenarioTimeout, scrub)
		if err != nil {
			return nil, err
		}
		res.WallMS = float64(time.Since(t0).Milliseconds())
		st, _ := p.EndSession(info.ID)
		res.Attempts = st.Attempts
		res.Notes = notes
		if fault == nil {
			faults = 0
			res.Observation = obs
			res.Verdict = Judge(s.Expect, caps, obs, st.Attempts)
			rep.Results = append(rep.Results, res)
			continue
		}
		// The stream cannot be trusted after a fault (a late answer would
		// be read as the next scenario's): a fresh adapter runs the next.
		a.kill()
		a = nil
		faults++
		switch {
		case faults >= maxConsecutiveFaults:
			stopped = fmt.Sprintf("not run: the adapter broke the protocol on %d scenarios in a row (last: %s)", faults, fault.Kind)
			fault.Detail += "; killed, and the rest not run"
		default:
			if a, _, err = start(ctx, o, scrub); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				stopped = "not run: the adapter could not be restarted: " + quote(scrub, err.Error())
				fault.Detail += "; killed, and the restart failed"
			} else {
				rep.Restarts++
				fault.Detail += "; killed and restarted for the next scenario"
			}
		}
		res.Fault = fault
		res.Verdict = Verdict{Cell: CellInvalid, Reason: fault.reason()}
		rep.Results = append(rep.Results, res)
	}
	rep.Summarize()
	return rep, nil
}

// start starts the adapter and reads its capabilities line within
// StartTimeout; an adapter that does not give one is killed.
func start(ctx context.Context, o Options, scrub *proxy.Scrubber) (*adapter, Capabilities, error) {
	var caps Capabilities
	a, err := startAdapter(o, scrub)
	if err != nil {
		return nil, caps, err
	}
	first, err := a.readLine(ctx, o.StartTimeout)
	if err == nil {
		if jerr := json.Unmarshal([]byte(first), &caps); jerr != nil || caps.SDK == "" {
			err = fmt.Errorf("%w: first line is no capabilities line {\"sdk\",\"version\",\"supports\"}: %q", ErrAdapter, quote(scrub, first))
		}
	}
	switch {
	case err == nil:
		return a, caps, nil
	case errors.Is(err, errNoLine):
		err = fmt.Errorf("capabilities line: %w: no line within %v (--start-timeout)", ErrAdapter, o.StartTimeout)
	case errors.Is(err, errExited):
		err = fmt.Errorf("capabilities line: %w: it ended (%s) before printing one", ErrAdapter, a.exitStatus())
	}
	a.kill()
	return nil, caps, err
}

// observe sends one scenario line and reads its observation. A fault is
// the adapter's; err is only the run's context ending.
func observe(ctx context.Context, a *adapter, line []byte, id string, wait time.Duration, scrub *proxy.Scrubber) (*Observation, []string, *Fault, error) {
	if err := a.writeLine(line, wait); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, nil, &Fault{Kind: FaultTimeout, Detail: fmt.Sprintf("it read no scenario line within %v", wait)}, nil
		}
		return nil, nil, &Fault{Kind: FaultCrash, Detail: "its stdin closed (" + a.exitStatus() + ")"}, nil
	}
	out, err := a.readLine(ctx, wait)
	switch {
	case errors.Is(err, errNoLine):
		return nil, nil, &Fault{Kind: FaultTimeout, Detail: fmt.Sprintf("no observation line within %v (--scenario-timeout)", wait)}, nil
	case errors.Is(err, errExited):
		return nil, nil, &Fault{Kind: FaultCrash, Detail: "it ended without an observation (" + a.exitStatus() + ")"}, nil
	case err != nil:
		return nil, nil, nil, err
	}
	obs, notes, fault := parseObservation(out, id, scrub)
	return obs, notes, fault, nil
}

// hostOnly is a record's Host without its port: the judge compares hosts.
func hostOnly(h string) string {
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.HasSuffix(h, "]") {
		return h[:i]
	}
	return h
}

// scrubbedLines passes each whole line to w through the proxy's scrubber:
// the adapter was handed the secret, and its stderr may echo it.
type scrubbedLines struct {
	w   io.Writer
	s   *proxy.Scrubber
	buf []byte
}

// maxLine bounds a line held back for scrubbing; a longer one is passed
// on in pieces.
const maxLine = 64 << 10

func (l *scrubbedLines) Write(b []byte) (int, error) {
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		_, _ = io.WriteString(l.w, l.s.String(string(l.buf[:i+1])))
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) > maxLine {
		l.flush()
	}
	return len(b), nil
}

func (l *scrubbedLines) flush() {
	if l == nil || len(l.buf) == 0 {
		return
	}
	_, _ = io.WriteString(l.w, l.s.String(string(l.buf)))
	l.buf = nil
}
