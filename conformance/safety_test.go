package conformance

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// safetyTestNumber is outside the drama ranges, so a generated number never
// equals it by chance.
const safetyTestNumber = "+46701234567"

// isStart reports whether r, executed by a target that ignored whatever is
// wrong with it, would start a verification.
func isStart(r Request) bool { return r.Method == http.MethodPost && r.Path == pathStart }

// startEndpoint is the identity.endpoint of a start body, "" if it has none.
func startEndpoint(r Request) string {
	var b struct {
		Identity struct {
			Endpoint string `json:"endpoint"`
		} `json:"identity"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Identity.Endpoint
}

func isDrama(n string) bool {
	return slices.ContainsFunc(dramaRanges, func(p string) bool { return strings.HasPrefix(n, p) && len(n) == len(p)+3 })
}

// repairs are the numbers a lenient target might make of a malformed
// endpoint: its digits alone behind a plus, "00" read as the plus, each
// non-digit read as some digit (a vanity letter, a typo fixed), and its
// first 12 digits (a number cut to the usual length).
func repairs(n string) []string {
	isDigit := func(r rune) bool { return r >= '0' && r <= '9' }
	digits := strings.Map(func(r rune) rune {
		if isDigit(r) {
			return r
		}
		return -1
	}, n)
	out := []string{"+" + digits, "+" + strings.TrimPrefix(digits, "00")}
	if len(digits) > 12 {
		out = append(out, "+"+digits[:12])
	}
	body := strings.TrimPrefix(n, "+")
	for i, r := range body {
		if isDigit(r) {
			continue
		}
		for d := '0'; d <= '9'; d++ {
			out = append(out, "+"+body[:i]+string(d)+body[i+len(string(r)):])
		}
	}
	return out
}

// TestNoStartOffLoopback is design.md's "Safety toward real endpoints" as a
// property of the options a runner uses off loopback without the user's
// consent (StartBase unset; SideEffects families are not sent there): a
// case of a family without SideEffects never becomes a verification that
// reaches anyone, even on a target that tolerates its defect.
//   - It has no setup steps: each is a real request, most of them starts.
//   - An authentication case is never a start: its defect is in the
//     headers, so a target that tolerated it would run the request as sent.
//   - A case whose defect is in a start's body is a start by necessity; the
//     start it would be without the defect (what a lenient target that
//     repaired the number or defaulted the parameter would run) goes to a
//     drama number, never to the test number or a magic value.
//     Any repair of the malformed number that has the shape of a UK mobile
//     (+447 and 9 more digits, the shape of every base) is a drama number.
//   - No request names the test number (a report by number to it could
//     settle the user's own pending verification).
func TestNoStartOffLoopback(t *testing.T) {
	for _, opts := range []Options{{}, {Basic: true}, {TestNumber: safetyTestNumber}, {Magic: true, TestNumber: safetyTestNumber}} {
		cat := opts.catalog()
		for _, fam := range Families(opts) {
			if fam.SideEffects {
				continue
			}
			name := fam.Name
			switch {
			case opts.Basic:
				name += "/basic"
			case opts.Magic:
				name += "/magic-test-number"
			case opts.TestNumber != "":
				name += "/test-number"
			}
			t.Run(name, rapid.MakeCheck(func(t *rapid.T) {
				c := fam.Gen.Draw(t, "case")
				assert.Empty(t, c.Setup, "a family without SideEffects has no setup steps")
				auth := c.Expect.HTTPStatus == 401
				reqs := []Request{c.Request}
				if c.base != nil {
					reqs = append(reqs, *c.base)
				}
				for _, r := range reqs {
					if opts.TestNumber != "" {
						assert.NotContains(t, r.Path, opts.TestNumber)
						assert.NotContains(t, string(r.Body), opts.TestNumber)
						assert.NotContains(t, string(r.Auth.Sign.Body), opts.TestNumber)
					}
					require.False(t, auth && isStart(r), "%s rides on a start: a target that tolerated the defect would start a verification", c.Family)
				}
				if c.base != nil && isStart(*c.base) {
					n := startEndpoint(*c.base)
					assert.True(t, isDrama(n), "%s: the start without its defect goes to %q, not a drama number", c.Family, n)
					_, magic := cat.ByMagic(n)
					assert.False(t, magic, "%s: the start without its defect goes to the magic number %q", c.Family, n)
				}
				if isStart(c.Request) {
					for _, m := range repairs(startEndpoint(c.Request)) {
						if len(m) == 13 && strings.HasPrefix(m, "+447") {
							assert.True(t, isDrama(m), "%s: a lenient target could repair %q into %q, which is not a drama number", c.Family, startEndpoint(c.Request), m)
						}
					}
				}
			}))
		}
	}
}

// TestStartBase shows the option does what it says: with it, the
// authentication families ride on starts too (so the property above is
// not vacuous), and the start goes to a drama number even when a test
// number is configured (a tolerant target then reaches no one, and the
// test number's velocity window stays free for the cases that need it).
func TestStartBase(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{AuthBaseReport, AuthBaseStatus}, Options{}.AuthBases())
	assert.Equal(t, []string{AuthBaseStart, AuthBaseReport, AuthBaseStatus}, Options{StartBase: true}.AuthBases())
	for _, code := range []string{"40100", "40101", "40102", "40104", "40107"} {
		safe, ok := FamilyNamed(Families(Options{TestNumber: safetyTestNumber}), code)
		require.True(t, ok, code)
		open, _ := FamilyNamed(Families(Options{TestNumber: safetyTestNumber, StartBase: true}), code)
		starts := 0
		seen := map[string]bool{}
		for _, c := range Draw(open, 1, 200) {
			seen[c.Request.Method] = true
			if isStart(c.Request) {
				starts++
				assert.True(t, isDrama(startEndpoint(c.Request)), "%s: %s", c.Family, startEndpoint(c.Request))
			}
		}
		assert.Positive(t, starts, "%s with StartBase rides on starts too", code)
		assert.Len(t, seen, 3, "%s with StartBase: start, report and status", code)
		for _, c := range Draw(safe, 1, 200) {
			assert.False(t, isStart(c.Request), "%s", c)
		}
	}
}
