package mock_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
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
		"VCHECK_KEY="+mock.DefaultCredentials.Key,
		"VCHECK_SECRET="+mock.DefaultCredentials.Secret.Reveal(),
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

// apiError asserts that a step surfaced errorCode and the documented
// message through VerificationException (its str() and the parsed body).
func apiError(t *testing.T, s pyStep, status, code int, message string) {
	t.Helper()
	require.Equal(t, "api_error", s.Result, "%s: %+v", s.Step, s)
	assert.Equal(t, status, s.Status, s.Step)
	assert.EqualValues(t, code, s.ErrorCode, s.Step)
	assert.Equal(t, message, s.Message, s.Step)
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

	got := drivePython(t, ctx, py, hostPort(t, r.URL), "start", "no-plus", "long-code", "unknown-id", "wrong-secret", "success")

	s := got["start"]
	require.Equal(t, "success", s.Result, "a signed start is accepted: %+v", s)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, s.Value["id"])
	assert.Equal(t, "sms", s.Value["method"])

	apiError(t, got["no-plus"], 400, 40005, "Phone number missing leading plus sign")
	// 13 characters: over the documented maximum of 10.
	assert.Equal(t, 40001, codeOf(got["long-code"]), "long-code: %+v", got["long-code"])
	assert.Equal(t, 400, got["long-code"].Status)
	apiError(t, got["unknown-id"], 404, 40400, "Requested resource not found")
	apiError(t, got["wrong-secret"], 401, 40102, "Invalid signature")

	s = got["success"]
	require.Equal(t, "success", s.Result, "%+v", s)
	assert.Equal(t, "SUCCESSFUL", s.Value["report"])
	assert.Equal(t, "SUCCESSFUL", s.Value["status"])
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
	p, err := proxy.New(proxy.Config{Handler: m, Credentials: []contracts.Credentials{mock.DefaultCredentials}, Seed: 1})
	require.NoError(t, err)
	defer p.Close()
	rule, err := proxy.Parse("GET /verification/v1/verifications/id/* => sinch(50300)")
	require.NoError(t, err)
	sess, err := p.NewSession("", []proxy.Rule{rule})
	require.NoError(t, err)

	got := drivePython(t, ctx, py, hostPort(t, sess.BaseURL), "start", "no-plus", "success")
	assert.Equal(t, "success", got["start"].Result, "the start passes through: %+v", got["start"])
	apiError(t, got["no-plus"], 400, 40005, "Phone number missing leading plus sign")
	// The report passed through (the driver reached the status lookup),
	// and the rule answered the lookup.
	apiError(t, got["success"], 503, 50300, "Service temporarily unavailable")

	st, ok := p.EndSession(sess.ID)
	require.True(t, ok)
	require.Len(t, st.Attempts, 5, "start, no-plus start, start, report, status: the proxy saw each once")
	for _, a := range st.Attempts[:4] {
		assert.True(t, a.Upstream, "%s %s went through to the mock", a.Method, a.Path)
	}
}

// codeOf reads a JSON number errorCode.
func codeOf(s pyStep) int {
	f, _ := s.ErrorCode.(float64)
	return int(f)
}
