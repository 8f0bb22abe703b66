package main

import (
	"context"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/internal/junit"
	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/runner"
)

// counted serves h and counts the requests it answers.
func counted(t *testing.T, h http.Handler) (url string, n *atomic.Int64) {
	t.Helper()
	n = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, n
}

// headings are the words every report heads the run with, per verdict;
// exits are the exit codes the README documents for them.
var (
	headings = map[runner.Verdict]string{
		runner.VerdictPass:        "pass",
		runner.VerdictBroken:      "contract broken",
		runner.VerdictConfig:      "configuration error",
		runner.VerdictUnreachable: "target unreachable",
		runner.VerdictUnjudged:    "target could not be judged",
	}
	exits = map[runner.Verdict]int{
		runner.VerdictPass:        exitOK,
		runner.VerdictBroken:      exitBroken,
		runner.VerdictConfig:      exitUsage,
		runner.VerdictUnreachable: exitUnreachable,
		runner.VerdictUnjudged:    exitUnreachable,
	}
)

// TestRun_verdictAgreesEverywhere drives vcheck run down every exit path
// and reads all four reports: the exit code, the text, the JSON verdict,
// the JUnit verdict testcase and the Markdown heading say the same thing,
// and no output holds the secret.
func TestRun_verdictAgreesEverywhere(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Config{})
	require.NoError(t, err)
	mockURL, mockCount := counted(t, m)
	limited, limitedCount := counted(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"status":"429 CapacityExceeded","errorCode":42900,"message":"Request capacity exceeded"}`))
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	good := []string{"--key", mock.DefaultCredentials().Key, "--secret", mock.DefaultCredentials().Secret.Reveal()}
	const wrongSecret = "d3Jvbmctc2VjcmV0LW5vdC10aGUtbW9ja3M=" // base64, not the mock's
	rows := []struct {
		name    string
		args    []string
		verdict runner.Verdict
		stderr  string        // what the message must name
		count   *atomic.Int64 // requests the target saw, when bounded
		most    int64         // at most this many
	}{
		{"pass", []string{"--cases", "2", "--seed", "3"}, runner.VerdictPass, "", nil, 0},
		{"broken", []string{"--cases", "2", "--seed", "3", "--drift", "wrong-http-status"}, runner.VerdictBroken, "the target broke the documented contract", nil, 0},
		{"credentials refused", []string{"--target", mockURL, "--key", mock.DefaultCredentials().Key, "--secret", wrongSecret, "--cases", "2"},
			runner.VerdictConfig, "was answered HTTP 401 errorCode 40102", mockCount, 2},
		{"no credentials", []string{"--target", mockURL, "--cases", "2"}, runner.VerdictConfig, "no credentials", nil, 0},
		{"unreachable", append([]string{"--target", closed, "--cases", "2", "--timeout", "1s"}, good...), runner.VerdictUnreachable, "target unreachable", nil, 0},
		{"only rate limits", append([]string{"--target", limited, "--cases", "3", "--concurrency", "2"}, good...), runner.VerdictUnjudged, "no case could be judged", limitedCount, 200},
		{"required code not exercised", []string{"--only", "40003,40005", "--cases", "1", "--budget", "2", "--require-codes", "40003,40005"},
			runner.VerdictBroken, "required code(s) not exercised", nil, 0},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			if row.count != nil {
				// The counting targets are shared: these rows run one at a time.
				row.count.Store(0)
			} else {
				t.Parallel()
			}
			dir := t.TempDir()
			jsonPath, xmlPath, mdPath, htmlPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.md"), filepath.Join(dir, "r.html")
			args := append([]string{"run", "--json", jsonPath, "--junit", xmlPath, "--markdown", mdPath, "--html", htmlPath}, row.args...)
			code, stdout, stderr := cli(t, "", args...)
			assert.Equal(t, exits[row.verdict], code, "exit code; stderr: %s", stderr)
			assert.Contains(t, stderr, row.stderr)
			if row.count != nil {
				assert.LessOrEqual(t, row.count.Load(), row.most, "requests sent to the target")
			}

			s, err := runner.ReadSummary(jsonPath)
			require.NoError(t, err, "every exit path after the flags writes the JSON report")
			assert.Equal(t, row.verdict, s.Verdict, "JSON verdict")
			assert.NotEmpty(t, s.Reason, "JSON says why")

			md, err := os.ReadFile(mdPath)
			require.NoError(t, err)
			heading, _, _ := strings.Cut(string(md), "\n")
			assert.True(t, strings.HasPrefix(heading, "## vcheck: "+headings[row.verdict]), "Markdown heading %q", heading)

			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			assert.True(t, strings.HasPrefix(lines[len(lines)-1], headings[row.verdict]), "the text summary ends with the verdict: %q", lines[len(lines)-1])

			var doc struct {
				Suites []junit.Suite `xml:"testsuite"`
			}
			data, err := os.ReadFile(xmlPath)
			require.NoError(t, err)
			require.NoError(t, xml.Unmarshal(data, &doc))
			require.Len(t, doc.Suites, 1)
			var v *junit.TestCase
			for i, c := range doc.Suites[0].Cases {
				if c.Classname == "vcheck.run" && c.Name == "verdict" {
					v = &doc.Suites[0].Cases[i]
				}
			}
			require.NotNil(t, v, "JUnit has the verdict testcase")
			switch row.verdict {
			case runner.VerdictPass:
				assert.Nil(t, v.Failure)
				assert.Nil(t, v.Error)
			case runner.VerdictBroken:
				require.NotNil(t, v.Failure)
				assert.Equal(t, string(row.verdict), v.Failure.Type)
			default:
				require.NotNil(t, v.Error)
				assert.Equal(t, string(row.verdict), v.Error.Type)
			}

			page := mustRead(t, htmlPath)
			assert.Contains(t, page, `data-verdict="`+string(row.verdict)+`"`, "the HTML report states the verdict")
			for _, out := range []string{stdout, stderr, string(md), string(data), mustRead(t, jsonPath), page} {
				assert.NotContains(t, out, wrongSecret)
				assert.NotContains(t, out, mock.DefaultCredentials().Secret.Reveal())
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// TestRun_outputsCheckedBeforeTheFirstRequest: an unwritable report path is
// a configuration error found before anything is sent, for every report.
func TestRun_outputsCheckedBeforeTheFirstRequest(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Config{})
	require.NoError(t, err)
	url, n := counted(t, m)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-dir", "r")
	good := []string{"--target", url, "--key", mock.DefaultCredentials().Key, "--secret", mock.DefaultCredentials().Secret.Reveal(), "--cases", "1"}
	for _, flagArgs := range [][]string{
		{"--json", missing},
		{"--junit", missing},
		{"--markdown", missing},
		{"--junit", dir},
		{"--baseline", missing, "--update-baseline"},
	} {
		code, _, stderr := cli(t, "", append(append([]string{"run"}, good...), flagArgs...)...)
		assert.Equal(t, exitUsage, code, "%v: %s", flagArgs, stderr)
		assert.Contains(t, stderr, strings.TrimPrefix(flagArgs[0], "--"), "the message names the flag")
	}
	assert.Zero(t, n.Load(), "nothing was sent")
}

// TestRun_zeroFlagsAreRefused: a typed 0 is not silently the default.
func TestRun_zeroFlagsAreRefused(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--rate", "0"}, {"--cases", "0"}, {"--concurrency", "0"}, {"--timeout", "0s"}} {
		code, stdout, stderr := cli(t, "", append([]string{"run", "--dry-run"}, args...)...)
		assert.Equal(t, exitUsage, code, args)
		assert.Contains(t, stderr, args[0]+" 0", args)
		assert.Empty(t, stdout, "%v: nothing planned", args)
	}
}

// TestRun_requireCodesTheFlagsCannotTrigger: a required code that the
// flags themselves rule out is the user's setup (exit 2, nothing sent),
// not the target's failure; the message names the code and why.
func TestRun_requireCodesTheFlagsCannotTrigger(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Config{})
	require.NoError(t, err)
	url, n := counted(t, m)
	good := []string{"--target", url, "--key", mock.DefaultCredentials().Key, "--secret", mock.DefaultCredentials().Secret.Reveal(), "--cases", "1"}
	for _, row := range []struct {
		args []string
		want string
	}{
		{[]string{"--only", "40200,40001,42900", "--require-codes", "40200"}, "--require-codes 40200: an account or server condition"},
		{[]string{"--only", "40001", "--require-codes", "40003"}, "--require-codes 40003: left out by --only/--skip"},
		{[]string{"--require-codes", "40001,12345"}, "--require-codes 12345: not a documented code"},
		{[]string{"--require-codes", "4000x"}, `"4000x" is not a five-digit error code`},
	} {
		code, _, stderr := cli(t, "", append(append([]string{"run"}, good...), row.args...)...)
		assert.Equal(t, exitUsage, code, "%v: %s", row.args, stderr)
		assert.Contains(t, stderr, row.want, row.args)
	}
	assert.Zero(t, n.Load(), "nothing was sent")

	// --require-codes all against the same target without --mock-magic
	// requires what it can trigger, and that passes.
	code, stdout, stderr := cli(t, "", append(append([]string{"run"}, good...), "--only", "40200,40001,42900", "--require-codes", "all")...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "pass: ")
}

// TestRun_requireCodesAllAgainstTheEmbeddedMock: with magic values every
// code is triggerable, and the full run exercises all 21.
func TestRun_requireCodesAllAgainstTheEmbeddedMock(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut strings.Builder
	code := run(ctx, []string{"run", "--cases", "1", "--seed", "11", "--require-codes", "all"}, strings.NewReader(""), &out, &errOut)
	assert.Equal(t, exitOK, code, errOut.String())
	assert.Contains(t, out.String(), "21 of 21 codes exercised")
}

// TestRun_helpAndReadmeStateTheExitCodes: vcheck run -h and the README's
// table give each verdict the exit code verdictError gives it.
func TestRun_helpAndReadmeStateTheExitCodes(t *testing.T) {
	t.Parallel()
	code, stdout, _ := cli(t, "", "run", "-h")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "-require-codes")
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	for v, exit := range exits {
		assert.Contains(t, stdout, "\n  "+strconv.Itoa(exit)+"  ", "run -h names exit %d", exit)
		assert.Regexp(t, "\\| "+strconv.Itoa(exit)+" \\| [^|]*`"+string(v)+"`", string(readme), "README's table gives %s exit %d", v, exit)
		s := &runner.Summary{Verdict: v, Reason: "r"}
		assert.Equal(t, exit, exitCode(verdictError(s)), "verdictError(%s)", v)
	}
}
