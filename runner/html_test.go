package runner

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

func renderHTML(t *testing.T, s *Summary) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, s, nil))
	return buf.String()
}

func TestWriteHTML_showsWhatMarkdownShows(t *testing.T) {
	t.Parallel()
	s := sampleSummary()
	s.Required = []int{40005}
	s.Shard = "2/3"
	s.SkippedWhy = map[string]int{"budget": 4}
	s.AuthBase = &AuthBase{Requests: []string{"report", "status"}, Why: "not loopback, no --allow-side-effects"}
	s.Reason = "1 finding group(s)"
	out := renderHTML(t, s)

	assert.Regexp(t, `<header id="verdict" class="v-broken" data-verdict="broken">`, out)
	assert.Contains(t, out, `<h1 class="word">CONTRACT BROKEN</h1>`)
	assert.Contains(t, out, "vcheck: contract broken (1 finding group(s))")
	assert.Regexp(t, `id="code-40005" data-state="failed"[^>]*>\s*<span class="sym">✗</span>`, out)
	assert.Regexp(t, `id="code-40200" data-state="not triggerable on this target"[^>]*>\s*<span class="sym">N/T</span>`, out)
	assert.Contains(t, out, "magic values are off", "the why of an untriggerable code")
	assert.Contains(t, out, `<a href="#finding-1" class="cell failed"`, "a failed cell links to its finding")
	assert.Contains(t, out, `<span class="req">REQ</span>`)
	assert.Contains(t, out, `<pre class="cmd replay">vcheck run --seed 42 --only 40005</pre>`)
	assert.Contains(t, out, `<pre class="cmd curl">curl -sS -u &#34;$SINCH_APPLICATION_KEY:$SINCH_APPLICATION_SECRET&#34; http://127.0.0.1:1/x</pre>`)
	assert.Contains(t, out, "Transport failures (1)")
	erratum, ok := contracts.DefaultCatalog().Erratum(1)
	require.True(t, ok)
	assert.Contains(t, out, `<tr class="erratum" data-erratum="1"><td>1</td><td>`+escapeForTest(erratum.DocsSay)+`</td>`, "the erratum is named by its title")
	for _, param := range []string{"2/3", "budget: 4", "report, status (no start: not loopback, no --allow-side-effects)", "1.5s", "3 planned, 3 sent, 0 skipped", "<td class=\"mono\">40005</td>"} {
		assert.Contains(t, out, param)
	}
}

func escapeForTest(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "<", "&lt;", ">", "&gt;", "'", "&#39;", "&", "&amp;").Replace(s)
}

func TestWriteHTML_verdictWords(t *testing.T) {
	t.Parallel()
	for v, word := range map[Verdict]string{
		VerdictPass: "PASS", VerdictBroken: "CONTRACT BROKEN", VerdictUnjudged: "TARGET COULD NOT BE JUDGED",
		VerdictUnreachable: "TARGET UNREACHABLE", VerdictConfig: "CONFIGURATION ERROR", "": "NO VERDICT",
	} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			out := renderHTML(t, &Summary{Verdict: v, Reason: "because"})
			assert.Contains(t, out, `<h1 class="word">`+word+`</h1>`)
			assert.Contains(t, out, "because")
		})
	}
}

// A hostile target chooses the body, the message and the status string it
// answers with: none of it may become markup in the report.
func TestWriteHTML_escapesTheTargetsWords(t *testing.T) {
	t.Parallel()
	const evil = `</pre><script>alert(1)</script><img src=x onerror=alert(2)>"'&`
	s := sampleSummary()
	s.Target = "http://127.0.0.1:1/" + evil
	s.Reason = evil
	s.Groups[0].Message = evil
	s.Groups[0].Family = evil
	s.Groups[0].Example.Body = evil
	s.Groups[0].Example.Defect = evil
	s.Groups[0].Example.Replay = "vcheck run " + evil
	s.Coverage[0].Status = evil
	s.Coverage[1].Why = evil
	s.Transport[0].Message = evil
	s.Observations[0].Text = evil
	s.SkippedWhy = map[string]int{evil: 1}
	out := renderHTML(t, s)
	assert.NotContains(t, out, "<script")
	assert.NotContains(t, out, "<img")
	assert.Equal(t, 4, strings.Count(out, "</pre>"), "only the report's own <pre> blocks close: defect, body, curl, replay")
	assert.Contains(t, out, "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, out, `<pre class="body">&lt;/pre&gt;`)
}

func TestWriteHTML_isSelfContained(t *testing.T) {
	t.Parallel()
	out := renderHTML(t, sampleSummary())
	for _, ref := range []string{"<script", "<link", "src=", "@import", "url(", "http://fonts", "https://"} {
		assert.NotContains(t, out, ref, "the report fetches nothing")
	}
	// The only URLs are the target's, as text.
	assert.Equal(t, []string{"http://127.0.0.1:1"}, uniq(regexp.MustCompile(`https?://[0-9a-z.:]+`).FindAllString(out, -1)))
}

func uniq(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func TestWriteHTML_capsTheFindings(t *testing.T) {
	t.Parallel()
	s := sampleSummary()
	g := s.Groups[0]
	g.Example.Body = strings.Repeat("x", 4<<10)
	s.Groups = nil
	for i := range 500 {
		g.Family = "f" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		g.Accepted = i%5 == 0
		g.Reason = "known"
		s.Groups = append(s.Groups, g)
	}
	out := renderHTML(t, s)
	assert.Equal(t, maxHTMLGroups, strings.Count(out, `<article class="finding" id="finding-`))
	assert.Contains(t, out, "Findings (400 groups)")
	assert.Contains(t, out, "300 more finding group(s) in the JSON report.")
	assert.Contains(t, out, "Accepted by the baseline (100)")
	assert.Less(t, len(out), 2<<20)
}

// TestHTMLReport_fromARun writes the report through Run, with known
// credentials, and greps it for the secret in every form it could leak in.
func TestHTMLReport_fromARun(t *testing.T) {
	t.Parallel()
	const secret = "aHRtbC1yZXBvcnQtc2VjcmV0LXZhbHVl"
	raw, err := base64.StdEncoding.DecodeString(secret)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "report.html")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := Run(ctx, Options{Drift: "wrong-http-status", Cases: 2, Seed: 11, Only: []int{40005, 40003, 40102},
		Credentials: contracts.Credentials{Key: "html-test-key", Secret: contracts.NewSecret(secret)}, Version: "html-test"}, HTMLFile(path, nil))
	require.NoError(t, err)
	require.Equal(t, VerdictBroken, s.Verdict)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	out := string(data)
	assert.Contains(t, out, "CONTRACT BROKEN")
	assert.Contains(t, out, `class="cmd replay"`)
	assert.Contains(t, out, "html-test")
	for _, leak := range []string{secret, string(raw)} {
		assert.NotContains(t, out, leak, "the secret never reaches the report")
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "written atomically: no temporary file is left")
}

func TestHTMLReport_unwritablePathIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := HTMLFile(dir, nil)
	_, err := Run(context.Background(), Options{Cases: 1, Only: []int{40003}}, page)
	require.ErrorIs(t, err, ErrConfig)
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, Reporter(page), ce.Reporter, "the error names the reporter")
	assert.Contains(t, err.Error(), "is a directory")
}
