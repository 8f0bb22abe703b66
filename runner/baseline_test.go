package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/conformance"
)

var day = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func group(code int, check, family, observed string) Group {
	return Group{Code: code, Check: check, Family: family, Observed: observed, Count: 1,
		Message: family + ": " + check + " = " + observed}
}

// tallied says that the run judged cases expecting code with check.
func tallied(code int, checks ...string) []CheckTally {
	var ts []CheckTally
	for _, c := range checks {
		ts = append(ts, CheckTally{Code: code, Check: c, Passed: 1})
	}
	return ts
}

func TestBaselineEntry_acceptsByClassAndAnswer(t *testing.T) {
	t.Parallel()
	accepted := BaselineEntry{Code: 40005, Check: conformance.CheckErrorCode, Class: "40005", Observed: "40002", Reason: "erratum 1"}
	any := accepted
	any.Observed, any.AnyObserved = "", true
	tests := []struct {
		name  string
		entry BaselineEntry
		g     Group
		want  bool
	}{
		{"the variant it was written at", accepted, group(40005, conformance.CheckErrorCode, "40005/no-plus", "40002"), true},
		{"another variant of the class", accepted, group(40005, conformance.CheckErrorCode, "40005/00-prefix", "40002"), true},
		{"another answer", accepted, group(40005, conformance.CheckErrorCode, "40005/no-plus", "50000"), false},
		{"no answer", accepted, group(40005, conformance.CheckErrorCode, "40005/no-plus", "none"), false},
		{"another check", accepted, group(40005, conformance.CheckHTTPStatus, "40005/no-plus", "40002"), false},
		{"another class", accepted, group(40005, conformance.CheckErrorCode, "40003/no-plus", "40002"), false},
		{"another code", accepted, group(40003, conformance.CheckErrorCode, "40005/no-plus", "40002"), false},
		{"any answer: one", any, group(40005, conformance.CheckErrorCode, "40005/no-plus", "40002"), true},
		{"any answer: another", any, group(40005, conformance.CheckErrorCode, "40005/00-prefix", "50000"), true},
		{"any answer, not another check", any, group(40005, conformance.CheckHTTPStatus, "40005/no-plus", "500"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.entry.accepts(tt.g))
			s := &Summary{Groups: []Group{tt.g}}
			gone := (&Baseline{Entries: []BaselineEntry{tt.entry}}).Apply(s)
			assert.Equal(t, tt.want, s.Groups[0].Accepted)
			assert.Equal(t, !tt.want, len(gone) == 1)
			if tt.want && !tt.entry.AnyObserved {
				assert.Equal(t, tt.entry.Key(), tt.g.Key(), "a group and the entry that accepts it have one key")
			}
		})
	}
}

func TestObservedValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    conformance.Finding
		want string
	}{
		{"error-code: the errorCode answered", conformance.Finding{Check: conformance.CheckErrorCode, Operation: "errorCode", Got: "40002"}, "40002"},
		{"http-status: the status answered", conformance.Finding{Check: conformance.CheckHTTPStatus, Operation: "HTTP status", Got: "500"}, "500"},
		{"status-string: the status string", conformance.Finding{Check: conformance.CheckStatusString, Operation: "status", Got: `"400 BadRequest"`}, `"400 BadRequest"`},
		{"body-schema: the part, not the prose", conformance.Finding{Check: conformance.CheckBodySchema, Operation: "errorCode", Got: `got the string "40001"; ...`}, "errorCode"},
		{"reference-format: none, the reference is made up per answer", conformance.Finding{Check: conformance.CheckReferenceFormat, Operation: "reference", Got: `"ab\x01"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, observedValue(tt.f))
		})
	}
}

func TestLoadBaseline_readsFormat1(t *testing.T) {
	t.Parallel()
	b, err := LoadBaseline(filepath.Join("testdata", "baseline-format1.json"))
	require.NoError(t, err)
	assert.Equal(t, 1, b.Format)
	require.Len(t, b.Entries, 3, "the two variants of 40005 error-code are one deviation")
	e := b.Entries[0]
	assert.Equal(t, BaselineEntry{Code: 40005, Check: conformance.CheckErrorCode, Class: "40005", AnyObserved: true,
		Reason:  "erratum 1: the sandbox answers 40002 for a missing plus; erratum 1: the sandbox answers 40002 for a 00 prefix too",
		Message: e.Message}, e, "both reasons are kept")
	assert.True(t, b.Entries[1].AnyObserved)
	assert.False(t, b.Entries[2].AnyObserved, "reference-format records no answer")

	// Format 1 recorded no answer: an entry accepts its group whatever the
	// answer, as it did when it was written, until an update names it.
	s := &Summary{Groups: []Group{group(40005, conformance.CheckErrorCode, "40005/00-prefix", "50000")},
		Checks: tallied(40005, conformance.CheckErrorCode, conformance.CheckStatusString)}
	assert.Len(t, b.Apply(s), 2)
	assert.True(t, s.Groups[0].Accepted)

	nb, ch := UpdateBaseline(b, s, day)
	assert.Equal(t, BaselineChange{Added: 0, Kept: 2, Dropped: 1}, ch, "status-string was exercised and not seen; 40104 was not exercised")
	assert.Equal(t, baselineFormat, nb.Format)
	require.Len(t, nb.Entries, 2)
	assert.Equal(t, "50000", nb.Entries[0].Observed, "an update names the answer it saw")
	assert.False(t, nb.Entries[0].AnyObserved)
	assert.Equal(t, e.Reason, nb.Entries[0].Reason)
	assert.Equal(t, "40104", nb.Entries[1].Class)
	path := filepath.Join(t.TempDir(), "baseline.json")
	require.NoError(t, WriteBaseline(path, nb))
	back, err := LoadBaseline(path)
	require.NoError(t, err)
	assert.Equal(t, nb.Entries, back.Entries)
}

func TestLoadBaseline_rejects(t *testing.T) {
	t.Parallel()
	const head = `{"format":2,"entries":[{"code":40005,"check":"error-code","class":"40005","observed":"40002","reason":"erratum 1"},`
	tests := []struct {
		name, content string
		want          []string
	}{
		{"not JSON", "nope", []string{"not a vcheck baseline"}},
		{"an unknown format", `{"format":3,"entries":[]}`, []string{"format 3"}},
		{"an unknown field", head + `{"code":40003,"check":"http-status","class":"40003","observd":"500","reason":"r"}]}`, []string{`unknown field "observd"`}},
		{"no reason", head + `{"code":40003,"check":"http-status","class":"40003","observed":"500"}]}`, []string{"entries[1] (40003/http-status/40003/500)", "reason"}},
		{"a blank reason", head + `{"code":40003,"check":"http-status","class":"40003","observed":"500","reason":"  "}]}`, []string{"entries[1]", "reason"}},
		{"no check", head + `{"code":40003,"class":"40003","observed":"500","reason":"r"}]}`, []string{"entries[1]", "check and class are required"}},
		{"an unknown check", head + `{"code":40003,"check":"http-stat","class":"40003","observed":"500","reason":"r"}]}`, []string{"entries[1]", `unknown check "http-stat"`}},
		{"a class with its variant", head + `{"code":40100,"check":"http-status","class":"40100/scheme-typo","observed":"500","reason":"r"}]}`, []string{"entries[1]", `"40100"`}},
		{"no code", head + `{"check":"http-status","class":"40003","observed":"500","reason":"r"}]}`, []string{"entries[1]", "code is required"}},
		{"no observed value", head + `{"code":40003,"check":"http-status","class":"40003","reason":"r"}]}`, []string{"entries[1] (40003/http-status/40003)", "any_observed"}},
		{"an observed value for reference-format", head + `{"code":40003,"check":"reference-format","class":"40003","observed":"x","reason":"r"}]}`, []string{"entries[1]", "drop observed"}},
		{"observed and any", head + `{"code":40003,"check":"http-status","class":"40003","observed":"500","any_observed":true,"reason":"r"}]}`, []string{"entries[1]", "exclude"}},
		{"one deviation twice", head + `{"code":40005,"check":"error-code","class":"40005","observed":"40002","reason":"again"}]}`, []string{"entries[1] (40005/error-code/40005/40002)", "entries[0]"}},
		{"format 1 without a reason", `{"format":1,"entries":[{"code":40005,"check":"error-code","family":"40005/no-plus"}]}`, []string{"entries[0] (40005/error-code/40005/no-plus)", "reason"}},
		{"format 1 without a check", `{"format":1,"entries":[{"code":40005,"family":"f","reason":"r"}]}`, []string{"entries[0]", "required"}},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, strings.Repeat("b", i+1)+".json")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			_, err := LoadBaseline(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "baseline "+path)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoadBaseline_controlHasCodeZero(t *testing.T) {
	t.Parallel()
	// Control cases expect no code: their groups have code 0, and a
	// baseline written from them must read back.
	s := &Summary{Groups: []Group{group(0, conformance.CheckWellFormedAccepted, "control/start", "400 (errorCode 40001)")}}
	nb, ch := UpdateBaseline(nil, s, day)
	assert.Equal(t, BaselineChange{Added: 1}, ch)
	path := filepath.Join(t.TempDir(), "baseline.json")
	require.NoError(t, WriteBaseline(path, nb))
	b, err := LoadBaseline(path)
	require.NoError(t, err)
	assert.Equal(t, nb.Entries, b.Entries)
}

func TestUpdateBaseline(t *testing.T) {
	t.Parallel()
	old := &Baseline{Format: baselineFormat, Entries: []BaselineEntry{
		{Code: 40005, Check: conformance.CheckErrorCode, Class: "40005", Observed: "40002", Reason: "erratum 1: the sandbox answers 40002"},
		{Code: 40005, Check: conformance.CheckHTTPStatus, Class: "40005", Observed: "500", Reason: "ticket 9"},
		{Code: 40101, Check: conformance.CheckMalformedRejected, Class: "40101", Observed: "200", Reason: "ticket 77"},
	}}
	seen := []Group{
		group(40005, conformance.CheckErrorCode, "40005/no-plus", "40002"),
		group(40005, conformance.CheckErrorCode, "40005/00-prefix", "40002"),
		group(40005, conformance.CheckStatusString, "40005/no-plus", `"400 NumberMissingLeadingPlus"`),
	}
	tests := []struct {
		name    string
		shard   string
		checks  []CheckTally
		want    BaselineChange
		reasons map[string]string
	}{
		{name: "only 40005 exercised", checks: tallied(40005, conformance.CheckErrorCode, conformance.CheckHTTPStatus, conformance.CheckStatusString),
			want: BaselineChange{Added: 1, Kept: 2, Dropped: 1},
			reasons: map[string]string{"40005/error-code/40005/40002": "erratum 1: the sandbox answers 40002", "40101/malformed-rejected/40101/200": "ticket 77",
				`40005/status-string/40005/"400 NumberMissingLeadingPlus"`: PlaceholderReason(day)}},
		{name: "everything exercised", checks: append(tallied(40005, conformance.CheckErrorCode, conformance.CheckHTTPStatus, conformance.CheckStatusString), tallied(40101, conformance.CheckMalformedRejected)...),
			want: BaselineChange{Added: 1, Kept: 1, Dropped: 2},
			reasons: map[string]string{"40005/error-code/40005/40002": "erratum 1: the sandbox answers 40002",
				`40005/status-string/40005/"400 NumberMissingLeadingPlus"`: PlaceholderReason(day)}},
		{name: "one shard", shard: "1/2", checks: append(tallied(40005, conformance.CheckErrorCode, conformance.CheckHTTPStatus, conformance.CheckStatusString), tallied(40101, conformance.CheckMalformedRejected)...),
			want: BaselineChange{Added: 1, Kept: 3},
			reasons: map[string]string{"40005/error-code/40005/40002": "erratum 1: the sandbox answers 40002", "40005/http-status/40005/500": "ticket 9",
				"40101/malformed-rejected/40101/200": "ticket 77", `40005/status-string/40005/"400 NumberMissingLeadingPlus"`: PlaceholderReason(day)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &Summary{Shard: tt.shard, Checks: tt.checks, Groups: append([]Group(nil), seen...)}
			nb, ch := UpdateBaseline(old, s, day)
			assert.Equal(t, tt.want, ch)
			got := map[string]string{}
			for _, e := range nb.Entries {
				got[e.Key()] = e.Reason
			}
			assert.Equal(t, tt.reasons, got)
			require.NoError(t, validateEntries(nb.Entries), "the placeholder reason is one LoadBaseline accepts")
			nb.Apply(s)
			for _, g := range s.Groups {
				assert.True(t, g.Accepted, "%s", g.Key())
			}
		})
	}
}

func TestWriteBaseline_failureSaysSo(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing", "baseline.json")
	err := WriteBaseline(path, &Baseline{Format: baselineFormat})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "baseline not written")
	assert.Contains(t, err.Error(), path)
}

func TestDiff_matchesReportsWithoutObserved(t *testing.T) {
	t.Parallel()
	// A report from before groups recorded the answer matches any answer;
	// a different answer in two new reports is a difference.
	a := &Summary{Groups: []Group{group(40005, conformance.CheckErrorCode, "40005/no-plus", "")}}
	b := &Summary{Groups: []Group{group(40005, conformance.CheckErrorCode, "40005/00-prefix", "40002")}}
	c := &Summary{Groups: []Group{group(40005, conformance.CheckErrorCode, "40005/no-plus", "50000")}}
	assert.True(t, Diff(a, b).Empty())
	d := Diff(b, c)
	assert.Len(t, d.OnlyA, 1)
	assert.Len(t, d.OnlyB, 1)
}
