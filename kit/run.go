package kit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/vcheck/vcheck/conformance"
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
	// Timeout is the client timeout the adapter is asked to use; 0 means 3s.
	Timeout time.Duration
	// MaxHang bounds a hung answer in the proxy; 0 means 6s.
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

// Run runs the kit: one proxy session per scenario, the scenario sent to
// the adapter, its observation judged with the session's record.
func Run(ctx context.Context, k *Kit, o Options) (*Report, error) {
	scs, err := k.Select(o.Only)
	if err != nil {
		return nil, err
	}
	if len(o.Adapter) == 0 {
		return nil, errors.New("no adapter command (vcheck kit run -- ADAPTER...)")
	}
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.MaxHang <= 0 {
		o.MaxHang = 2*o.Timeout + 2*time.Second
	}
	p, err := proxy.New(proxy.Config{Upstream: o.Upstream, Handler: o.Handler, MaxHang: o.MaxHang, Credentials: []contracts.Credentials{o.Credentials}, Seed: 1})
	if err != nil {
		return nil, err
	}
	defer p.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.Adapter[0], o.Adapter[1:]...)
	cmd.Dir = o.Dir
	if len(o.Env) > 0 {
		cmd.Env = append(os.Environ(), o.Env...)
	}
	var errLines *scrubbedLines
	if o.Stderr != nil {
		errLines = &scrubbedLines{w: o.Stderr, s: p.Scrubber()}
		cmd.Stderr = errLines
	}
	cmd.WaitDelay = 2 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: start %s: %v", ErrAdapter, o.Adapter[0], err)
	}
	defer func() {
		_ = stdin.Close()
		_ = cmd.Wait()
		errLines.flush() // after Wait: its copy of stderr has ended
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	read := func(wait time.Duration) (string, error) {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case l, ok := <-lines:
			if !ok {
				return "", fmt.Errorf("%w: the adapter exited", ErrAdapter)
			}
			return l, nil
		case <-t.C:
			return "", fmt.Errorf("%w: no line within %v", ErrAdapter, wait)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	first, err := read(30 * time.Second)
	if err != nil {
		return nil, fmt.Errorf("capabilities line: %w", err)
	}
	var caps conformance.KitCapabilities
	if err := json.Unmarshal([]byte(first), &caps); err != nil || caps.SDK == "" {
		return nil, fmt.Errorf("%w: first line is no capabilities line {\"sdk\",\"version\",\"supports\"}: %.200q", ErrAdapter, first)
	}
	rep := &Report{SDK: caps, Started: time.Now().UTC(), scrub: p.Scrubber()}
	broken := false
	for _, s := range scs {
		res := Result{ID: s.ID, Group: s.Group, Level: s.Level, Why: s.Why, Expect: s.Expect}
		if reason, ok := o.KnownFailing[s.ID]; ok {
			res.KnownFailing, res.KnownReason = true, reason
		}
		if broken {
			res.Verdict = conformance.KitVerdict{Cell: conformance.CellNotRun, Reason: "the adapter stopped earlier"}
			rep.Results = append(rep.Results, res)
			continue
		}
		if needs := s.Expect.Needs; needs != "" {
			if ok, declared := caps.Supports[needs]; declared && !ok {
				res.Verdict = conformance.JudgeKit(s.Expect, caps, nil, nil)
				rep.Results = append(rep.Results, res)
				continue
			}
		}
		info, err := p.NewSession("", s.rules)
		if err != nil {
			return nil, err
		}
		line, _ := json.Marshal(scenarioLine{ID: s.ID, Operation: s.Operation, Input: s.Input, BaseURL: info.BaseURL,
			Key: o.Credentials.Key, Secret: o.Credentials.Secret.Reveal(), TimeoutMS: o.Timeout.Milliseconds(), DeadlineMS: (o.MaxHang + 2*time.Second).Milliseconds()})
		t0 := time.Now()
		var obs *conformance.KitObservation
		if _, err := stdin.Write(append(line, '\n')); err != nil {
			broken = true
			res.Verdict = conformance.KitVerdict{Cell: conformance.CellInvalid, Reason: "adapter stdin closed: " + err.Error()}
		} else if out, err := read(o.MaxHang + 12*time.Second); err != nil {
			broken = true
			res.Verdict = conformance.KitVerdict{Cell: conformance.CellInvalid, Reason: err.Error()}
		} else {
			obs = &conformance.KitObservation{}
			if err := json.Unmarshal([]byte(out), obs); err != nil || obs.ID != s.ID {
				res.Verdict = conformance.KitVerdict{Cell: conformance.CellInvalid, Reason: fmt.Sprintf("observation line for %s unreadable: %.200q", s.ID, out)}
				obs = nil
			}
		}
		res.WallMS = float64(time.Since(t0).Milliseconds())
		st, _ := p.EndSession(info.ID)
		res.Attempts = st.Attempts
		if obs != nil {
			res.Observation = obs
			res.Verdict = conformance.JudgeKit(s.Expect, caps, obs, kitAttempts(st.Attempts))
		}
		rep.Results = append(rep.Results, res)
	}
	rep.Summarize()
	return rep, nil
}

func kitAttempts(at []proxy.Attempt) []conformance.KitAttempt {
	out := make([]conformance.KitAttempt, 0, len(at))
	for _, a := range at {
		out = append(out, conformance.KitAttempt{Method: a.Method, Path: a.Path, Host: hostOnly(a.Host), Status: a.Status, GapMS: a.GapMS,
			Upstream: a.Upstream, ClientHungUpMS: a.ClientHungUpMS, Retry: a.Retry, Resigned: a.Resigned, Auth: a.Auth, ProxyError: a.ProxyError})
	}
	return out
}

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
