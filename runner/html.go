package runner

import (
	_ "embed"
	"html/template"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// maxHTMLGroups bounds the findings, accepted deviations and transport
// groups the HTML report lists, each: the file stays a few MiB at most
// (every example body is cut at 4 KiB) and opens at once in a browser.
const maxHTMLGroups = 100

//go:embed html.tmpl
var htmlSource string

// htmlTemplate is parsed once; html/template escapes every value by its
// context, so a target's body or message can never become markup.
var htmlTemplate = template.Must(template.New("html").Parse(htmlSource))

// WriteHTML writes the run as one self-contained HTML page (inline CSS, no
// script, nothing fetched): the verdict and its reason, the per-code
// coverage grid, the findings with their reproductions, the transport
// failures, how the target resolved each erratum, and the run's parameters.
// cat names the errata; nil means the embedded catalog.
func WriteHTML(w io.Writer, s *Summary, cat *contracts.Catalog) error {
	if cat == nil {
		cat = contracts.DefaultCatalog()
	}
	return htmlTemplate.Execute(w, newHTMLView(s, cat))
}

// htmlView is what the template reads: the summary, with every decision
// about words, symbols and caps made here rather than in the template.
type htmlView struct {
	S             *Summary
	Word          string // PASS, CONTRACT BROKEN ...
	Class         string // the verdict's colour
	Detail        string // verdictLine
	Tally         string
	Duration      time.Duration
	Cells         []htmlCell
	Causes        []htmlCause
	Findings      []htmlGroup
	FindingsTotal int
	FindingsMore  int
	Accepted      []Group
	AcceptedTotal int
	AcceptedMore  int
	Transport     []Group
	TransportMore int
	Errata        []htmlErratum
	Params        []htmlParam
}

type htmlCell struct {
	CodeCoverage
	Class, Symbol, Counts string
	Required              bool
	// Anchor is the id of the code's first listed finding, if any.
	Anchor string
}

type htmlGroup struct {
	Group
	ID    string
	Flags []string
}

// htmlCause is a root cause with its one-line description.
type htmlCause struct {
	Cause
	Line string
}

type htmlErratum struct {
	Observation
	Title string
}

type htmlParam struct{ Name, Value string }

func newHTMLView(s *Summary, cat *contracts.Catalog) htmlView {
	v := htmlView{S: s, Detail: verdictLine(s), Duration: s.Duration.Round(time.Millisecond)}
	v.Word, v.Class = verdictWord(s.Verdict)

	open := openGroups(s.Groups)
	for _, c := range openCauses(s.Causes) {
		v.Causes = append(v.Causes, htmlCause{Cause: c, Line: causeLine(c)})
	}
	v.FindingsTotal = len(open)
	first := map[int]string{}
	for i, g := range capped(open, &v.FindingsMore) {
		h := htmlGroup{Group: g, ID: "finding-" + strconv.Itoa(i+1)}
		if _, ok := first[g.Code]; !ok {
			first[g.Code] = h.ID
		}
		if g.Flaky {
			h.Flags = append(h.Flags, "flaky: not reproduced, does not fail the run")
		}
		if g.Shrunk {
			h.Flags = append(h.Flags, "shrunk")
		}
		if g.Example.Confirmed {
			h.Flags = append(h.Flags, "confirmed by a re-send")
		}
		v.Findings = append(v.Findings, h)
	}
	var accepted []Group
	for _, g := range s.Groups {
		if g.Accepted {
			accepted = append(accepted, g)
		}
	}
	v.AcceptedTotal = len(accepted)
	v.Accepted = capped(accepted, &v.AcceptedMore)
	v.Transport = capped(s.Transport, &v.TransportMore)

	counts := map[string]int{}
	for _, c := range s.Coverage {
		cell := htmlCell{CodeCoverage: c, Required: slices.Contains(s.Required, c.Code), Anchor: first[c.Code]}
		switch c.State {
		case CoveragePassed:
			cell.Class, cell.Symbol = "passed", "✓"
			cell.Counts = strconv.Itoa(c.Passed) + " passed"
		case CoverageFailed:
			cell.Class, cell.Symbol = "failed", "✗"
			cell.Counts = strconv.Itoa(c.Failed) + " failed, " + strconv.Itoa(c.Passed) + " passed"
		case CoverageNotTriggerable:
			cell.Class, cell.Symbol = "untriggerable", "N/T"
		default:
			cell.Class, cell.Symbol = "unexercised", "–"
		}
		counts[cell.Class]++
		v.Cells = append(v.Cells, cell)
	}
	v.Tally = strconv.Itoa(len(s.Coverage)) + " documented codes: " +
		strconv.Itoa(counts["passed"]) + " ✓ passed, " + strconv.Itoa(counts["failed"]) + " ✗ failed, " +
		strconv.Itoa(counts["unexercised"]) + " – not exercised, " + strconv.Itoa(counts["untriggerable"]) + " N/T not triggerable"

	for _, o := range s.Observations {
		e := htmlErratum{Observation: o, Title: "(not in this catalog)"}
		if er, ok := cat.Erratum(o.Erratum); ok {
			e.Title = er.DocsSay
		}
		v.Errata = append(v.Errata, e)
	}
	v.Params = htmlParams(s)
	return v
}

func capped(gs []Group, more *int) []Group {
	if len(gs) > maxHTMLGroups {
		*more = len(gs) - maxHTMLGroups
		return gs[:maxHTMLGroups]
	}
	return gs
}

// verdictWord is the banner's word and colour; the words say what the
// exit code says (verdictLine).
func verdictWord(v Verdict) (word, class string) {
	switch v {
	case VerdictPass:
		return "PASS", "pass"
	case VerdictBroken:
		return "CONTRACT BROKEN", "broken"
	case VerdictUnreachable:
		return "TARGET UNREACHABLE", "unjudged"
	case VerdictUnjudged:
		return "TARGET COULD NOT BE JUDGED", "unjudged"
	case VerdictConfig:
		return "CONFIGURATION ERROR", "config"
	}
	return "NO VERDICT", "unjudged"
}

func htmlParams(s *Summary) []htmlParam {
	shard := s.Shard
	if shard == "" {
		shard = "none (every case)"
	}
	p := []htmlParam{
		{"target", s.Target},
		{"seed", strconv.FormatUint(s.Seed, 10)},
		{"shard", shard},
		{"cases", strconv.Itoa(s.Planned) + " planned, " + strconv.Itoa(s.Sent) + " sent, " + strconv.Itoa(s.Skipped) + " skipped"},
	}
	if len(s.SkippedWhy) > 0 {
		var why []string
		for _, k := range slices.Sorted(maps.Keys(s.SkippedWhy)) {
			why = append(why, k+": "+strconv.Itoa(s.SkippedWhy[k]))
		}
		p = append(p, htmlParam{"skipped because", strings.Join(why, "; ")})
	}
	p = append(p, htmlParam{"requests", strconv.Itoa(s.Requests)})
	if !s.Started.IsZero() {
		p = append(p, htmlParam{"started", s.Started.UTC().Format(time.RFC3339)})
	}
	p = append(p, htmlParam{"duration", s.Duration.Round(time.Millisecond).String()})
	version := s.Version
	if version == "" {
		version = "(unknown)"
	}
	p = append(p, htmlParam{"vcheck version", version})
	if s.AuthBase != nil {
		p = append(p, htmlParam{"auth defects ride on", s.AuthBase.String()})
	}
	required := "none"
	if len(s.Required) > 0 {
		var cs []string
		for _, c := range s.Required {
			cs = append(cs, strconv.Itoa(c))
		}
		required = strings.Join(cs, ", ")
	}
	return append(p, htmlParam{"required codes", required})
}
