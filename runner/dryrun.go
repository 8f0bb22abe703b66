package runner

import (
	"fmt"
	"io"
	"sort"

	"github.com/vcheck/vcheck/conformance"
)

// DryRun checks o as Run does, writes to w every request the run would
// send, secrets redacted (the Authorization header by its shape), and sends
// nothing. The Summary is the plan's: no verdict, nothing judged. Its
// errors are Run's configuration errors.
func DryRun(w io.Writer, o Options) (*Summary, error) {
	p, err := prepare(&o)
	if err != nil {
		return nil, err
	}
	base := p.tgt.URL
	if p.tgt.Embedded {
		base = "<embedded mock>"
	}
	fmt.Fprintf(w, "dry run: %d cases to %s, seed %d; nothing is sent\n", len(p.cases), base, o.Seed)
	for i, pc := range p.cases {
		c := conformance.DrawOne(*pc.fam, pc.seed)
		fmt.Fprintf(w, "\ncase %d  %s@%d  %s\n  defect: %s\n", i+1, pc.fam.Name, pc.seed, c.Family, c.Defect)
		for _, st := range c.Setup {
			printRecord(w, "  setup:  ", record(st.Request))
		}
		printRecord(w, "  send:   ", record(c.Request))
	}
	return p.summary(&o), nil
}

func printRecord(w io.Writer, prefix string, r RequestRecord) {
	fmt.Fprintf(w, "%s%s %s\n", prefix, r.Method, r.Path)
	keys := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "          %s: %s\n", k, r.Headers[k])
	}
	if r.Body != "" {
		fmt.Fprintf(w, "          %s\n", r.Body)
	}
}
