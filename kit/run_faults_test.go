package kit

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// faultSecret is handed to the fake adapters, which echo it in what they
// print instead of an observation.
var faultSecret = contracts.NewSecret("ZmF1bHQgdGVzdCBzZWNyZXQ=") // base64("fault test secret")

// fakeAdapterSetup is what every fake-adapter run needs: an upstream that
// answers the documented 40400 body, the kit, and this test binary, which
// TestMain turns into the fake adapter.
func fakeAdapterSetup(t *testing.T) (*httptest.Server, *Kit, string) {
	t.Helper()
	golden, _ := fixtures.Golden(40400)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write(golden)
	}))
	t.Cleanup(up.Close)
	k, err := Load()
	require.NoError(t, err)
	exe, err := os.Executable()
	require.NoError(t, err)
	return up, k, exe
}

// faultRun runs the fake adapter on three scenarios with env added; every
// run is bounded by a context, whatever the kit does.
func faultRun(t *testing.T, set func(*Options), env ...string) (*Report, string, error) {
	t.Helper()
	up, k, exe := fakeAdapterSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer // written by the adapter's stderr copy, which ends before Run returns
	o := Options{
		Upstream: up.URL, Adapter: []string{exe}, Env: append([]string{"VCHECK_FAKE_ADAPTER=1"}, env...), Stderr: &stderr,
		Credentials: contracts.Credentials{Key: "fault-key", Secret: faultSecret},
		Timeout:     300 * time.Millisecond, MaxHang: time.Second, StartTimeout: 10 * time.Second,
		// Generous: most faults end on their own; the hang rows shorten it.
		ScenarioTimeout: 10 * time.Second,
		Only:            []string{"surface.50000", "surface.40400", "retry.no-4xx", "time.hang"},
	}
	if set != nil {
		set(&o)
	}
	rep, err := Run(ctx, k, o)
	require.NoError(t, ctx.Err(), "the run outlived its bound")
	return rep, stderr.String(), err
}

func cells(rep *Report) map[string]string {
	m := map[string]string{}
	for _, r := range rep.Results {
		m[r.ID] = r.cell()
	}
	return m
}

// TestRun_adapterFaultsAreBoundedAndTheRestRun: an adapter that hangs,
// prints a bad line and keeps going, or crashes on one scenario is killed;
// that scenario is ! with the fault's kind, and a fresh adapter runs the
// others.
func TestRun_adapterFaultsAreBoundedAndTheRestRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, fault, detail, line string
		kind                      FaultKind
		timeout                   time.Duration
	}{
		{name: "hangs", fault: "hang", kind: FaultTimeout, detail: "no observation line within 3s", timeout: 3 * time.Second},
		{name: "prints garbage and keeps running", fault: "garbage", kind: FaultBadLine, detail: "not a JSON object", line: "panic: oops, signing with REDACTED"},
		{name: "answers another scenario", fault: "wrong-id", kind: FaultBadLine, detail: `id "surface.other", want "surface.40400"`, line: `{"id":"surface.other"`},
		{name: "has a field of the wrong type", fault: "wrong-type", kind: FaultBadLine, detail: `field "status": a JSON string, want int`},
		{name: "reports an unknown result", fault: "wrong-result", kind: FaultBadLine, detail: `result "ok", want one of success, api_error`},
		{name: "names no scenario", fault: "no-id", kind: FaultBadLine, detail: `id "", want "surface.40400"`},
		{name: "crashes", fault: "crash", kind: FaultCrash, detail: "it ended without an observation (exit status 3)"},
		{name: "closes its stdout", fault: "close-stdout", kind: FaultCrash, detail: "it ended without an observation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var set func(*Options)
			if tc.timeout > 0 {
				set = func(o *Options) { o.ScenarioTimeout = tc.timeout }
			}
			rep, stderr, err := faultRun(t, set, "VCHECK_FAKE_FAULT="+tc.fault, "VCHECK_FAKE_ON=surface.40400")
			require.NoError(t, err, stderr)
			assert.Equal(t, map[string]string{
				"surface.50000": string(CellPass),
				"surface.40400": string(CellInvalid) + " " + string(tc.kind),
				"retry.no-4xx":  string(CellPass),
				"time.hang":     string(CellPass),
			}, cells(rep), "%+v", rep.Results)
			assert.Equal(t, 1, rep.Restarts)
			f := rep.Results[1].Fault
			require.NotNil(t, f)
			assert.Contains(t, f.Detail, tc.detail)
			assert.Contains(t, f.Detail, "killed and restarted for the next scenario")
			assert.Contains(t, f.Line, tc.line)
			assert.LessOrEqual(t, len(f.Line), maxQuoted+len("…"), "the quoted line is cut")
			assert.Equal(t, map[FaultKind]int{tc.kind: 1}, rep.Summary.Faults)
			assert.Equal(t, []string{"surface.40400"}, rep.Summary.Unjudged)
			assert.Contains(t, rep.Summary.Counts(), "1 invalid (1 "+string(tc.kind)+")")
			text := reportText(t, rep)
			assert.Contains(t, text, "| "+string(CellInvalid)+" "+string(tc.kind)+" |", "the Markdown cell names the fault")
			assert.Contains(t, text, `"kind": "`+string(tc.kind)+`"`, "the JSON names the fault")
			for where, out := range map[string]string{"stderr": stderr, "report": text} {
				assert.NotContains(t, out, faultSecret.Reveal(), where)
			}
		})
	}
}

// TestRun_anAdapterThatKeepsFailingStops: after three faults in a row the
// adapter is taken to be broken and the rest are not run, rather than
// each waiting its timeout; a restart that fails stops the run the same way.
func TestRun_anAdapterThatKeepsFailingStops(t *testing.T) {
	t.Parallel()
	t.Run("every scenario crashes", func(t *testing.T) {
		t.Parallel()
		rep, stderr, err := faultRun(t, nil, "VCHECK_FAKE_FAULT=crash", "VCHECK_FAKE_ON=*")
		require.NoError(t, err, stderr)
		assert.Equal(t, map[string]string{
			"surface.50000": "! crash", "surface.40400": "! crash", "retry.no-4xx": "! crash", "time.hang": string(CellNotRun),
		}, cells(rep))
		assert.Equal(t, 2, rep.Restarts)
		assert.Contains(t, rep.Results[3].Verdict.Reason, "broke the protocol on 3 scenarios in a row")
	})
	t.Run("the restart falls silent", func(t *testing.T) {
		t.Parallel()
		once := filepath.Join(t.TempDir(), "started")
		// Long enough for the first start of a re-executed -race test
		// binary on a loaded machine; the silent restart waits it out.
		rep, stderr, err := faultRun(t, func(o *Options) { o.StartTimeout = 3 * time.Second }, "VCHECK_FAKE_FAULT=crash", "VCHECK_FAKE_ON=surface.40400", "VCHECK_FAKE_ONCE="+once)
		require.NoError(t, err, stderr)
		assert.Equal(t, map[string]string{
			"surface.50000": string(CellPass), "surface.40400": "! crash", "retry.no-4xx": string(CellNotRun), "time.hang": string(CellNotRun),
		}, cells(rep))
		assert.Contains(t, rep.Results[1].Fault.Detail, "the restart failed")
		assert.Contains(t, rep.Results[2].Verdict.Reason, "could not be restarted")
		assert.Contains(t, rep.Results[2].Verdict.Reason, "no line within 3s")
	})
}

// TestRun_noCapabilitiesLine: an adapter that prints nothing is killed at
// the start timeout; one that exits first is reported with its status.
func TestRun_noCapabilitiesLine(t *testing.T) {
	t.Parallel()
	// The adapter is this test binary re-executed, which can take longer
	// than 300ms to start on a loaded machine under -race: the exiting
	// adapter gets a long start timeout, since its exit ends the wait.
	for _, tc := range []struct {
		name, mode, want string
		start            time.Duration
	}{
		{"silent", "silent", "no line within 300ms (--start-timeout)", 300 * time.Millisecond},
		{"exits", "exit", "it ended (exit status 4) before printing one", 15 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k, err := Load()
			require.NoError(t, err)
			exe, err := os.Executable()
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err = Run(ctx, k, Options{Upstream: "http://127.0.0.1:9", Adapter: []string{exe}, Env: []string{"VCHECK_FAKE_ADAPTER=" + tc.mode},
				StartTimeout: tc.start, Only: []string{"time.hang"}})
			require.ErrorIs(t, err, ErrAdapter)
			assert.Contains(t, err.Error(), tc.want)
			require.NoError(t, ctx.Err())
		})
	}
}

// TestParseObservation: a field the kit does not read is kept as a note
// and the scenario is judged (an adapter written against a newer protocol
// still runs), never dropped silently; a line the kit cannot trust is a
// bad line.
func TestParseObservation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, line string
		fault      string
		notes      []string
	}{
		{name: "every field", line: `{"id":"a.b","result":"api_error","status":404,"error":{"errorCode":40400},"raw":["errorCode"],"elapsed_ms":3.5,"detail":"x"}`},
		{name: "unknown field", line: `{"id":"a.b","result":"success","elapsedMs":3}`, notes: []string{`unknown observation field "elapsedMs" ignored`}},
		{name: "an array", line: `[1]`, fault: "not a JSON object"},
		{name: "null", line: `null`, fault: "not a JSON object"},
		{name: "raw of the wrong type", line: `{"id":"a.b","result":"success","raw":"errorCode"}`, fault: `field "raw"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			obs, notes, fault := parseObservation(tc.line, "a.b", nil)
			if tc.fault != "" {
				require.NotNil(t, fault)
				assert.Equal(t, FaultBadLine, fault.Kind)
				assert.Contains(t, fault.Detail, tc.fault)
				assert.Nil(t, obs)
				return
			}
			require.Nil(t, fault)
			assert.Equal(t, "a.b", obs.ID)
			assert.Equal(t, tc.notes, notes)
		})
	}
}

func reportText(t *testing.T, rep *Report) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, rep.WriteJSON(&b))
	require.NoError(t, rep.WriteMarkdown(&b))
	require.NoError(t, rep.WriteJUnit(&b))
	return b.String()
}
