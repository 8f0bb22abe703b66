package runner

import (
	"fmt"
	"io"
	"strings"
)

// maxMarkdownGroups bounds the findings listed in Markdown: a GitHub step
// summary over 1 MiB is dropped silently (ci.md).
const maxMarkdownGroups = 100

// WriteMarkdown writes the run as Markdown for a CI step summary: the
// verdict, the per-code coverage matrix, the findings with their
// reproductions, and the errata observations.
func WriteMarkdown(w io.Writer, s *Summary) error { return writeMarkdown(w, s, maxMarkdownGroups) }

// writeMarkdown is WriteMarkdown with at most max finding groups detailed
// after the causes (never more than maxMarkdownGroups; none when max < 0).
func writeMarkdown(w io.Writer, s *Summary, max int) error {
	max = min(max, maxMarkdownGroups)
	if max < 0 {
		max = 0
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## vcheck: %s\n\n", verdictLine(s))
	if s.Reason != "" {
		fmt.Fprintf(&b, "%s.\n\n", mdEscape(s.Reason))
	}
	fmt.Fprintf(&b, "Target `%s`, seed `%d`%s, %d cases sent (%d planned, %d skipped), %d requests in %s.\n\n",
		s.Target, s.Seed, shardText(s.Shard), s.Sent, s.Planned, s.Skipped, s.Requests, s.Duration.Round(1e6))
	b.WriteString("| code | status | exercised | passed | failed | state |\n|---|---|---:|---:|---:|---|\n")
	for _, c := range s.Coverage {
		state := c.State
		if c.Why != "" {
			state += " (" + c.Why + ")"
		}
		fmt.Fprintf(&b, "| %d | `%s` | %d | %d | %d | %s |\n", c.Code, c.Status, c.Exercised, c.Passed, c.Failed, mdEscape(state))
	}
	if s.AuthBase != nil {
		fmt.Fprintf(&b, "\nAuth defects ride on: %s.\n", mdEscape(s.AuthBase.String()))
	}
	if causes := openCauses(s.Causes); len(causes) > 0 {
		fmt.Fprintf(&b, "\n### Causes (%d)\n\n", len(causes))
		for i, c := range causes {
			fmt.Fprintf(&b, "%d. %s  \n   for example: `%s`", i+1, mdEscape(causeLine(c)), mdCode(oneLine(c.Message, 200)))
			if c.Example.Replay != "" {
				fmt.Fprintf(&b, "  \n   replay: `%s`", mdCode(c.Example.Replay))
			}
			b.WriteString("\n")
		}
	}
	open := openGroups(s.Groups)
	if len(open) > 0 {
		fmt.Fprintf(&b, "\n### Findings by code (%d)\n\n", len(open))
		for i, g := range open {
			if i == max {
				fmt.Fprintf(&b, "\n%d more in the JSON report.\n", len(open)-i)
				break
			}
			fmt.Fprintf(&b, "<details><summary><b>%d %s</b>: %s (%d x)</summary>\n\n```\n", g.Code, g.Check, mdEscape(oneLine(g.Message, 200)), g.Count)
			writeGroupText(&b, g)
			b.WriteString("```\n</details>\n\n")
		}
	}
	if len(s.Transport) > 0 {
		fmt.Fprintf(&b, "\n### Transport failures (%d)\n\n", len(s.Transport))
		for _, g := range s.Transport {
			fmt.Fprintf(&b, "- %s (%d x)\n", mdEscape(oneLine(g.Message, 200)), g.Count)
		}
	}
	if len(s.Observations) > 0 {
		b.WriteString("\n### Errata: which way the target went\n\n")
		for _, o := range s.Observations {
			fmt.Fprintf(&b, "- erratum %d (%d): %s (%d x)\n", o.Erratum, o.Code, mdEscape(o.Text), o.Count)
		}
	}
	accepted := len(s.Groups) - len(open)
	if accepted > 0 {
		fmt.Fprintf(&b, "\n%d known deviation(s) accepted by the baseline.\n", accepted)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func openGroups(gs []Group) []Group {
	var out []Group
	for _, g := range gs {
		if !g.Accepted {
			out = append(out, g)
		}
	}
	return out
}

// verdictLine names the verdict as every report heads it; the words match
// the exit code (README: 0 pass, 1 broken, 2 configuration, 3 not reached
// or not judged).
func verdictLine(s *Summary) string {
	switch s.Verdict {
	case VerdictPass:
		return "pass"
	case VerdictUnreachable:
		return "target unreachable"
	case VerdictUnjudged:
		return "target could not be judged"
	case VerdictConfig:
		return "configuration error"
	case VerdictBroken:
		if n := len(openGroups(s.Groups)); n > 0 {
			return fmt.Sprintf("contract broken (%d finding group(s))", n)
		}
		return "contract broken"
	}
	return "no verdict (the run did not finish)"
}

func shardText(shard string) string {
	if shard == "" {
		return ""
	}
	return ", shard " + shard
}

// mdCode makes s safe inside a Markdown code span.
func mdCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}
