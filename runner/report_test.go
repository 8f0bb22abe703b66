package runner

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/internal/junit"
)

func sampleSummary() *Summary {
	return &Summary{
		Version: "test", Target: "http://127.0.0.1:1", Seed: 42, Started: time.Unix(0, 0).UTC(), Duration: 1500 * time.Millisecond,
		Planned: 3, Sent: 3, Requests: 4,
		Coverage: []CodeCoverage{
			{Code: 40005, Status: "400 NumberMissingLeadingPlus", Exercised: 2, Passed: 1, Failed: 1, State: CoverageFailed},
			{Code: 40200, Status: "402 PaymentRequired", State: CoverageNotTriggerable, Why: "magic values are off"},
		},
		Checks: []CheckTally{{Code: 40005, Check: "error-code", Passed: 1, Failed: 1}, {Code: 40005, Check: "http-status", Passed: 2}},
		Groups: []Group{{Code: 40005, Check: "error-code", Family: "40005/no-plus", Count: 1,
			Message: `POST /verification/v1/verifications: errorCode = 40002, want one of [40005]`,
			Example: Example{Defect: `endpoint "46700000000" lacks the leading plus`, Status: 400, Body: `{"errorCode":40002}`,
				Curl: `curl -sS -u "$SINCH_APPLICATION_KEY:$SINCH_APPLICATION_SECRET" http://127.0.0.1:1/x`, Replay: "vcheck run --seed 42 --only 40005"}}},
		Transport:    []Group{{Code: 40003, Check: TransportTimeout, Family: "40003/letters", Count: 2, Message: "timeout after 2s"}},
		Observations: []Observation{{Erratum: 1, Code: 40005, Text: "sides with the published example (40002)", Count: 1}},
		Verdict:      VerdictBroken,
	}
}

func TestWriteJUnit_isWhatReportersRead(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, sampleSummary()))
	var doc struct {
		Tests  int           `xml:"tests,attr"`
		Suites []junit.Suite `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc), buf.String())
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	assert.Equal(t, len(s.Cases), s.Tests)
	assert.Equal(t, 2, s.Failures, "the finding, and the verdict testcase")
	assert.Equal(t, 1, s.Errors)
	assert.Equal(t, 1, s.Skipped)
	names := map[string]bool{}
	for _, c := range s.Cases {
		assert.NotEmpty(t, c.Classname)
		assert.Contains(t, c.Classname, ".", "classname is dotted (ci.md)")
		assert.NotEmpty(t, c.Time)
		key := c.Classname + "#" + c.Name
		assert.False(t, names[key], "duplicate testcase %s", key)
		names[key] = true
	}
	assert.Contains(t, buf.String(), `classname="vcheck.40005" name="error-code"`)
	assert.Contains(t, buf.String(), `classname="vcheck.run" name="verdict"`)
	assert.Contains(t, buf.String(), "<failure ")
	assert.Contains(t, buf.String(), "<system-out>")
}

func TestWriteJUnit_emptyRunStillHasATestcase(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, &Summary{Verdict: VerdictUnreachable}))
	assert.Contains(t, buf.String(), "<testcase")
	assert.Contains(t, buf.String(), "<error ")
}

func TestWriteMarkdown(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteMarkdown(&buf, sampleSummary()))
	out := buf.String()
	assert.Contains(t, out, "## vcheck: contract broken (1 finding group(s))")
	assert.Contains(t, out, "| 40005 | `400 NumberMissingLeadingPlus` | 2 | 1 | 1 | failed |")
	assert.Contains(t, out, "not triggerable on this target (magic values are off)")
	assert.Contains(t, out, "erratum 1 (40005)")
	assert.Contains(t, out, "### Transport failures (1)")
}

func TestWriteMarkdown_capsTheFindings(t *testing.T) {
	t.Parallel()
	s := sampleSummary()
	g := s.Groups[0]
	s.Groups = nil
	for i := range 500 {
		g.Family = "f" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		s.Groups = append(s.Groups, g)
	}
	var buf bytes.Buffer
	require.NoError(t, WriteMarkdown(&buf, s))
	assert.Contains(t, buf.String(), "400 more in the JSON report")
	assert.Less(t, buf.Len(), 512<<10, "a step summary over 1 MiB is dropped")
}

func TestWriteText_endsWithTheCoverageMatrix(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteText(&buf, sampleSummary()))
	out := buf.String()
	assert.Contains(t, out, "FAIL 40005 error-code")
	assert.Contains(t, out, "TRANSPORT timeout")
	assert.Regexp(t, `40200\s+402 PaymentRequired\s+0\s+0\s+0\s+not triggerable`, out)
	assert.Contains(t, out, "contract broken (1 finding group(s)): 1 of 2 codes exercised")
}

func TestWriteFileAtomic_failureLeavesNoFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	err := writeFileAtomic(path, func(w io.Writer) error {
		_, _ = io.WriteString(w, "<half")
		return errors.New("interrupted")
	})
	require.Error(t, err)
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries, "no report and no temporary file")

	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	require.Error(t, writeFileAtomic(path, func(io.Writer) error { return errors.New("boom") }))
	got, _ := os.ReadFile(path)
	assert.Equal(t, "old", string(got), "an interrupted write keeps the previous report")

	require.NoError(t, writeFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }))
	got, _ = os.ReadFile(path)
	assert.Equal(t, "new", string(got))
}

func TestJSONReport_roundTripAndAbort(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "run.json")
	r := JSONFile(path)
	require.NoError(t, r.Check())
	for i := range 3 {
		r.Case(&CaseRecord{Case: i, Family: "40005/no-plus", Codes: []int{40005}, Request: RequestRecord{Method: "POST", Path: "/x"}})
	}
	_, err := os.Stat(path)
	require.True(t, os.IsNotExist(err), "nothing at the final path before Finish")
	require.NoError(t, r.Report(sampleSummary()))
	require.NoError(t, r.Close())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		Format int               `json:"format"`
		Cases  []json.RawMessage `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, reportFormat, doc.Format)
	assert.Len(t, doc.Cases, 3)
	s, err := ReadSummary(path)
	require.NoError(t, err)
	assert.Equal(t, sampleSummary().Groups, s.Groups)

	r2 := JSONFile(filepath.Join(dir, "aborted.json"))
	r2.Case(&CaseRecord{Case: 1})
	require.NoError(t, r2.Close())
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "an aborted report leaves nothing behind")
}

func TestReadSummary_badFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty":      "",
		"array":      "[]",
		"no-summary": `{"format":1,"cases":[{"case":1}]}`,
		"format":     `{"format":9,"cases":[],"summary":{}}`,
		"truncated":  `{"format":1,"cases":[{"case":1},`,
	} {
		path := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		_, err := ReadSummary(path)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), path, name)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	a, b := sampleSummary(), sampleSummary()
	assert.True(t, Diff(a, b).Empty())

	b.Coverage[0].State = CoveragePassed
	b.Groups = nil
	b.Observations = []Observation{{Erratum: 1, Code: 40005, Text: "sides with the heading (40005)", Count: 3}}
	d := Diff(a, b)
	require.False(t, d.Empty())
	assert.Equal(t, []CoverageChange{{Code: 40005, A: CoverageFailed, B: CoveragePassed}}, d.Coverage)
	assert.Len(t, d.OnlyA, 1)
	assert.Empty(t, d.OnlyB)
	var buf bytes.Buffer
	require.NoError(t, WriteDiff(&buf, d))
	assert.Contains(t, buf.String(), "40005: failed -> passed")
	assert.Contains(t, buf.String(), "errata observations only in B")
}

func TestParseTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     Target
		wantErr  string
		loopback bool
	}{
		{in: "http://127.0.0.1:8080/", want: Target{URL: "http://127.0.0.1:8080", Loopback: true}},
		{in: "http://localhost:8080", want: Target{URL: "http://localhost:8080", Loopback: true}},
		{in: "http://[::1]:8080", want: Target{URL: "http://[::1]:8080", Loopback: true}},
		{in: "https://verification.api.sinch.com", want: Target{URL: "https://verification.api.sinch.com"}},
		{in: "https://gateway.example/prefix/", want: Target{URL: "https://gateway.example/prefix"}},
		{in: "ftp://x", wantErr: "http:// or https://"},
		{in: "http://", wantErr: "no host"},
		{in: "https://key:secret@x", wantErr: "credentials in the URL"},
		{in: "http://x/?q=1", wantErr: "no query"},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.in)
		if tt.wantErr != "" {
			require.Error(t, err, tt.in)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "secret@", "the error never echoes credentials")
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}
