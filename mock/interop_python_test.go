package mock_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/proxy"
)

// pyStep is one line interop/python/drive.py prints.
type pyStep struct {
	Step      string         `json:"step"`
	Result    string         `json:"result"`
	Status    int            `json:"status"`
	ErrorCode any            `json:"errorCode"`
	Message   string         `json:"message"`
	Value     map[string]any `json:"value"`
}

// pythonSDK returns the venv's python, failing (not skipping) when
// VCHECK_INTEROP asks for the interop tests and `make pip` has not run.
func pythonSDK(t *testing.T) string {
	t.Helper()
	if os.Getenv("VCHECK_INTEROP") == "" {
		t.Skip("set VCHECK_INTEROP=1 (make interop) to run the Python SDK against the mock")
	}
	py, err := filepath.Abs(filepath.Join("..", "build", "python-venv", "bin", "python"))
	require.NoError(t, err)
	_, err = os.Stat(py)
	require.NoError(t, err, "the Python SDK is not installed: run make pip (it creates build/python-venv from interop/python/requirements.txt)")
	return py
}

// drivePython runs the driver's steps against origin (host:port) and
// returns its lines by step name.
func drivePython(t *testing.T, ctx context.Context, py, origin string, steps ...string) map[string]pyStep {
	t.Helper()
	cmd := exec.CommandContext(ctx, py, append([]string{filepath.Join("..", "interop", "python", "drive.py")}, steps...)...)
	// The secret travels in the environment, never in argv (ps shows argv).
	cmd.Env = append(os.Environ(),
		"VCHECK_ORIGIN="+origin,
		"VCHECK_KEY="+mock.DefaultCredentials().Key,
		"VCHECK_SECRET="+mock.DefaultCredentials().Secret.Reveal(),
		"VCHECK_CODE="+mock.Code,
		"PYTHONDONTWRITEBYTECODE=1",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "drive.py failed:\n%s", stderr.String())
	got := map[string]pyStep{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var s pyStep
		require.NoError(t, json.Unmarshal(sc.Bytes(), &s), "drive.py printed %q", sc.Text())
		got[s.Step] = s
	}
	require.Len(t, got, len(steps), "one line per step:\n%s", stdout.String())
	return got
}

func hostPort(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	return u.Host
}

// pyWant is what a step of drive.py owes: a success, or a
// VerificationException with this HTTP status, errorCode and message ("":
// not checked).
type pyWant struct {
	status, code int
	message      string
}

// pySteps are the checks against the faithful mock, by step.
var pySteps = map[string]pyWant{
	"start":        {},
	"no-plus":      {400, 40005, "Phone number missing leading plus sign"},
	"long-code":    {400, 40001, ""}, // 13 characters: over the documented 10
	"unknown-id":   {404, 40400, "Requested resource not found"},
	"wrong-secret": {401, 40102, "Invalid signature"},
	"success":      {},
}

// judge says what is wrong with a step's line ("" when it is what w owes).
// It is a plain function so that the drift test can show each check fail.
func judge(s pyStep, w pyWant) string {
	if w.status == 0 {
		if s.Result != "success" {
			return fmt.Sprintf("%s: want success, got %+v", s.Step, s)
		}
		return ""
	}
	code, _ := s.ErrorCode.(float64) // a JSON number, as documented
	switch {
	case s.Result != "api_error":
		return fmt.Sprintf("%s: want a VerificationException, got %+v", s.Step, s)
	case s.Status != w.status || int(code) != w.code || s.ErrorCode != code:
		return fmt.Sprintf("%s: want %d/%d, got %d/%#v", s.Step, w.status, w.code, s.Status, s.ErrorCode)
	case w.message != "" && s.Message != w.message:
		return fmt.Sprintf("%s: want message %q, got %q", s.Step, w.message, s.Message)
	}
	return ""
}

func pyStepNames() []string {
	names := make([]string, 0, len(pySteps))
	for n := range pySteps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestPythonSDKInterop drives the official Sinch Python SDK (sinch 1.1.4,
// interop/python) against the mock: its signed requests (an x-timestamp
// with +00:00, "application/json; charset=UTF-8" signed on every request)
// are accepted as it sends them, and VerificationException carries the
// documented errorCode and message. VCHECK_INTEROP gates it like the Node
// test: `make pip` installs the pinned packages, `make interop` runs it.
func TestPythonSDKInterop(t *testing.T) {
	py := pythonSDK(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := mock.Start(ctx, mock.Config{})
	require.NoError(t, err)
	defer r.Close()

	got := drivePython(t, ctx, py, hostPort(t, r.URL), pyStepNames()...)
	for name, w := range pySteps {
		assert.Empty(t, judge(got[name], w), name)
	}
	assert.Regexp(t, `^[0-9a-f-]{36}$`, got["start"].Value["id"])
	assert.Equal(t, "sms", got["start"].Value["method"])
	assert.Equal(t, "SUCCESSFUL", got["success"].Value["report"])
	assert.Equal(t, "SUCCESSFUL", got["success"].Value["status"])
}

// TestPythonSDKInterop_driftIsCaught points the driver at drift mutants:
// each check above fails when the answer the SDK surfaces is wrong.
func TestPythonSDKInterop_driftIsCaught(t *testing.T) {
	py := pythonSDK(t)
	for _, tc := range []struct{ drift, step string }{
		{"wrong-code", "no-plus"},                  // 40002 for 40005
		{"server-error-on-long-code", "long-code"}, // 500/50000 for 400/40001
		{"wrong-http-status", "unknown-id"},        // HTTP 400 for 404
		{"accept-bad-signature", "wrong-secret"},   // a success for 40102
		{"empty-message", "no-plus"},               // message ""
		{"code-as-string", "unknown-id"},           // "40400" for 40400
	} {
		t.Run(tc.drift, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r, err := mock.Start(ctx, mock.Config{Drift: tc.drift})
			require.NoError(t, err)
			defer r.Close()
			got := drivePython(t, ctx, py, hostPort(t, r.URL), tc.step)
			why := judge(got[tc.step], pySteps[tc.step])
			assert.NotEmpty(t, why, "the %s check passes against the %s mutant", tc.step, tc.drift)
			t.Log(why)
		})
	}
}

// TestPythonSDKInterop_throughProxy puts `vcheck proxy` (in-process, with
// the embedded mock as its upstream, as cmd/vcheck wires it) between the
// SDK and the mock: the SDK's signed requests pass through unchanged, and
// a rule's injected sinch(50300) reaches the SDK as 50300.
func TestPythonSDKInterop_throughProxy(t *testing.T) {
	py := pythonSDK(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m, err := mock.New(mock.Config{})
	require.NoError(t, err)
	p, err := proxy.New(proxy.Config{Handler: m, Credentials: []contracts.Credentials{mock.DefaultCredentials()}, Seed: 1})
	require.NoError(t, err)
	defer p.Close()
	rule, err := proxy.ParseRule("GET /verification/v1/verifications/id/* => sinch(50300)")
	require.NoError(t, err)
	sess, err := p.NewSession("", []proxy.Rule{rule})
	require.NoError(t, err)

	got := drivePython(t, ctx, py, hostPort(t, sess.BaseURL), "start", "no-plus", "success")
	assert.Equal(t, "success", got["start"].Result, "the start passes through: %+v", got["start"])
	assert.Empty(t, judge(got["no-plus"], pySteps["no-plus"]))
	// The report passed through (the driver reached the status lookup),
	// and the rule answered the lookup.
	assert.Empty(t, judge(got["success"], pyWant{503, 50300, "Service temporarily unavailable"}))

	st, ok := p.EndSession(sess.ID)
	require.True(t, ok)
	require.Len(t, st.Attempts, 5, "start, no-plus start, start, report, status: the proxy saw each once")
	for _, a := range st.Attempts[:4] {
		assert.True(t, a.Upstream, "%s %s went through to the mock", a.Method, a.Path)
	}
}
