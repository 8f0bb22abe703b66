package kit

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteJUnit_shape: a known failure is skipped with the known-failing
// file's reason, an unknown failure is a failure, an adapter fault is an
// error typed by its kind, and what has no verdict on the SDK is skipped.
func TestWriteJUnit_shape(t *testing.T) {
	t.Parallel()
	fail := Verdict{Cell: CellFail, Reason: "status: want 503, got 200"}
	rep := &Report{SDK: Capabilities{SDK: "fake", Version: "0"}, Results: []Result{
		{ID: "surface.pass", Level: LevelMust, Verdict: Verdict{Cell: CellPass}},
		{ID: "body.known", Level: LevelMust, Verdict: fail, KnownFailing: true, KnownReason: "node-fetch never settles a cut body"},
		{ID: "body.known-noreason", Level: LevelMust, Verdict: fail, KnownFailing: true},
		{ID: "body.unknown", Level: LevelMust, Verdict: fail},
		{ID: "body.should", Level: LevelShould, Verdict: fail},
		{ID: "surface.info", Level: LevelInfo, Verdict: fail},
		{ID: "time.timeout", Level: LevelMust, Verdict: Verdict{Cell: CellInvalid, Reason: "adapter timeout: no observation line within 1s"}, Fault: &Fault{Kind: FaultTimeout}},
		{ID: "time.badline", Level: LevelMust, Verdict: Verdict{Cell: CellInvalid, Reason: "adapter bad-line: not a JSON object"}, Fault: &Fault{Kind: FaultBadLine, Line: "garbage"}},
		{ID: "retry.na", Level: LevelMust, Verdict: Verdict{Cell: CellNA, Reason: "the SDK declares no retry support"}},
		{ID: "retry.notrun", Level: LevelMust, Verdict: Verdict{Cell: CellNotRun, Reason: "not run: the adapter could not be restarted"}},
	}}
	rep.Summarize()
	var b bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&b))
	var suites struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Errors   int `xml:"errors,attr"`
			Skipped  int `xml:"skipped,attr"`
			Cases    []struct {
				Classname string   `xml:"classname,attr"`
				Name      string   `xml:"name,attr"`
				Failure   *message `xml:"failure"`
				Error     *message `xml:"error"`
				Skipped   *message `xml:"skipped"`
				SystemOut string   `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &suites), b.String())
	require.Len(t, suites.Suites, 1)
	s := suites.Suites[0]
	assert.Equal(t, []int{10, 2, 2, 5}, []int{s.Tests, s.Failures, s.Errors, s.Skipped}, "tests, failures, errors, skipped")
	got := map[string]string{}
	for _, c := range s.Cases {
		id := c.Classname[len("vcheck.kit."):] + "." + c.Name
		switch {
		case c.Failure != nil:
			got[id] = "failure: " + c.Failure.Message
		case c.Error != nil:
			got[id] = "error " + c.Error.Type + ": " + c.Error.Message
		case c.Skipped != nil:
			got[id] = "skipped: " + c.Skipped.Message
		default:
			got[id] = "pass"
		}
		if id == "body.known" {
			assert.Contains(t, c.SystemOut, "known failing: node-fetch never settles a cut body")
		}
	}
	assert.Equal(t, map[string]string{
		"surface.pass":        "pass",
		"body.known":          "skipped: known failing (must): node-fetch never settles a cut body; fails: status: want 503, got 200",
		"body.known-noreason": "skipped: known failing (must): listed in --known-failing, no reason given; fails: status: want 503, got 200",
		"body.unknown":        "failure: status: want 503, got 200",
		"body.should":         "failure: status: want 503, got 200",
		"surface.info":        "skipped: fails (info, describes behaviour): status: want 503, got 200",
		"time.timeout":        "error timeout: adapter timeout: no observation line within 1s",
		"time.badline":        "error bad-line: adapter bad-line: not a JSON object",
		"retry.na":            "skipped: N/A: the SDK declares no retry support",
		"retry.notrun":        "skipped: ?: not run: the adapter could not be restarted",
	}, got)
}

type message struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
}
