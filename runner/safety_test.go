package runner_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/runner"
)

// remoteTarget is not loopback and cannot resolve (RFC 6761 .invalid), so
// even a runner that ignored --dry-run would reach nothing.
const remoteTarget = "https://verification.example.invalid"

// plannedCase is one case of a dry run's listing.
type plannedCase struct {
	family string // the family's name, before the @SEED
	header string // "case N  FAMILY@SEED  VARIANT"
	setup  []string
	send   string // "METHOD PATH"
}

// dryRun runs o as a dry run and reads back what it would send.
func dryRun(t *testing.T, o runner.Options) (*runner.Summary, []plannedCase) {
	t.Helper()
	var out bytes.Buffer
	s, err := runner.DryRun(&out, o)
	require.NoError(t, err)
	var cases []plannedCase
	for _, block := range strings.Split(out.String(), "\ncase ")[1:] {
		lines := strings.Split(block, "\n")
		fields := strings.Fields(lines[0])
		require.GreaterOrEqual(t, len(fields), 3, "case header %q", lines[0])
		name, _, _ := strings.Cut(fields[1], "@")
		c := plannedCase{family: name, header: lines[0]}
		for _, l := range lines[1:] {
			if v, ok := strings.CutPrefix(l, "  setup:  "); ok {
				c.setup = append(c.setup, v)
			}
			if v, ok := strings.CutPrefix(l, "  send:   "); ok {
				c.send = v
			}
		}
		cases = append(cases, c)
	}
	require.NotEmpty(t, cases, "the dry run lists its cases")
	return s, cases
}

const startLine = "POST /verification/v1/verifications"

func isAuthFamily(name string) bool { return strings.HasPrefix(name, "401") }

// TestRun_noStartOffLoopback: against a target that is not loopback, without
// --allow-side-effects, no authentication case rides on a start (a target
// that tolerated the defect would start a real verification) and no case
// has a setup step (every setup step here is a start).
func TestRun_noStartOffLoopback(t *testing.T) {
	t.Parallel()
	for _, o := range []runner.Options{
		{Target: remoteTarget, Cases: 40, Seed: 1},
		{Target: remoteTarget, Cases: 40, Seed: 2, Basic: true},
		{Target: remoteTarget, Cases: 40, Seed: 3, TestNumber: "+46701234567"},
		{Target: remoteTarget, Cases: 40, Seed: 4, MockMagic: true},
	} {
		s, cases := dryRun(t, o)
		auth := 0
		for _, c := range cases {
			assert.Empty(t, c.setup, "%s: a setup step off loopback", c.header)
			if isAuthFamily(c.family) {
				auth++
				assert.NotEqual(t, startLine, c.send, "%s rides on a start off loopback", c.header)
			}
		}
		assert.Positive(t, auth, "the authentication families are planned")
		require.NotNil(t, s.AuthBase)
		assert.Equal(t, []string{"report", "status"}, s.AuthBase.Requests)
		assert.Equal(t, "report, status (no start: not loopback, no --allow-side-effects)", s.AuthBase.String())
	}
}

// TestRun_startBaseOnLoopbackOrConsent: starts stay a base where a start
// may be sent, so the mock still sees authentication defects on starts.
func TestRun_startBaseOnLoopbackOrConsent(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]runner.Options{
		"loopback": {Target: "http://127.0.0.1:9", Cases: 40, Seed: 1},
		"consent":  {Target: remoteTarget, Cases: 40, Seed: 1, AllowSideEffects: true, TestNumber: "+46701234567"},
	} {
		s, cases := dryRun(t, o)
		starts := 0
		for _, c := range cases {
			if isAuthFamily(c.family) && c.send == startLine {
				starts++
			}
		}
		assert.Positive(t, starts, "%s: authentication defects ride on starts too", name)
		require.NotNil(t, s.AuthBase, name)
		assert.Equal(t, "start, report, status", s.AuthBase.String(), name)
	}
}

func TestRun_authBaseInReports(t *testing.T) {
	t.Parallel()
	s, _ := dryRun(t, runner.Options{Target: remoteTarget, Cases: 1, Seed: 1})
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"auth_base":{"requests":["report","status"],"why":"not loopback, no --allow-side-effects"}`)

	var text, md bytes.Buffer
	require.NoError(t, runner.WriteText(&text, s))
	require.NoError(t, runner.WriteMarkdown(&md, s))
	assert.Contains(t, text.String(), "auth defects ride on: report, status (no start: not loopback, no --allow-side-effects)\n")
	assert.Contains(t, md.String(), "Auth defects ride on: report, status (no start: not loopback, no --allow-side-effects).")

	s, _ = dryRun(t, runner.Options{Target: remoteTarget, Cases: 1, Seed: 1, Only: []int{40005}})
	assert.Nil(t, s.AuthBase, "no authentication family, nothing to say")
	text.Reset()
	require.NoError(t, runner.WriteText(&text, s))
	assert.NotContains(t, text.String(), "auth defects")
}
