package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/runner"
)

// TestRun_oneRootCauseIsOneFinding: a target that answers every error
// with an HTML 503 page has one cause, whatever the seed; the reports list
// it first and stay short, and every group is labelled with the code its
// message is about.
func TestRun_oneRootCauseIsOneFinding(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{3, 11, 2026} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			md, page := filepath.Join(t.TempDir(), "r.md"), filepath.Join(t.TempDir(), "r.html")
			var out bytes.Buffer
			s, err := runner.Run(ctx, runner.Options{Drift: "html-error-page", Seed: seed},
				runner.MarkdownFile(md, 0), runner.HTMLFile(page, nil), runner.TextSummary(&out, 0))
			require.NoError(t, err)
			require.Equal(t, runner.VerdictBroken, s.Verdict)
			require.Len(t, s.Causes, 1, "%+v", s.Causes)
			c := s.Causes[0]
			assert.Contains(t, c.Symptoms, `content-type = "text/html"`)
			assert.GreaterOrEqual(t, len(c.Codes), 18, "the one cause spans the codes")
			assert.Equal(t, len(s.Groups), c.Groups, "every group belongs to it")
			assert.Contains(t, s.Reason, `content-type = "text/html"`, "the verdict names the cause")

			text := out.String()
			assert.True(t, strings.HasPrefix(strings.TrimSpace(text), "CAUSE 1 of 1: "), "the cause comes first: %.200s", text)
			assert.Less(t, strings.Count(text, "\n"), 300, "the text is bounded (--max-findings): was about 2,900 lines")
			assert.Contains(t, text, "more finding group(s) in the JSON report")
			b, err := os.ReadFile(md)
			require.NoError(t, err)
			assert.Less(t, len(b), 48<<10, "the Markdown is bounded: was about 140 KB")
			assert.Less(t, strings.Index(string(b), "### Causes"), strings.Index(string(b), "### Findings by code"))
			h, err := os.ReadFile(page)
			require.NoError(t, err)
			assert.Equal(t, 1, strings.Count(string(h), `<li class="cause">`), "the HTML lists the one cause")
			assert.Less(t, strings.Index(string(h), `id="causes"`), strings.Index(string(h), `id="findings"`), "before the groups")

			for _, g := range s.Groups {
				assert.Contains(t, g.Message, "("+g.Check+", "+g.Class(), "group %d %s/%s shows a case of its own class", g.Code, g.Check, g.Family)
				if g.Check == "error-code" {
					assert.Regexp(t, fmt.Sprintf(`want (one of \[)?%d`, g.Code), g.Message, "group %d %s is labelled with its own code", g.Code, g.Check)
				}
			}
		})
	}
}

// TestRun_twoWaysOfBreakingAreTwoCauses: wrong-http-status sends HTTP 400
// for most errors and 422 for the documented 400s: two causes.
func TestRun_twoWaysOfBreakingAreTwoCauses(t *testing.T) {
	t.Parallel()
	s, err := runner.Run(context.Background(), runner.Options{Drift: "wrong-http-status", Seed: 5, Cases: 5})
	require.NoError(t, err)
	require.Len(t, s.Causes, 2, "%+v", s.Causes)
	assert.ElementsMatch(t, []string{"http-status = 400", "http-status = 422"}, []string{s.Causes[0].Symptoms[0], s.Causes[1].Symptoms[0]})
}
