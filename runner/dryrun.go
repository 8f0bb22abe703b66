package runner

import (
	"fmt"
	"sort"

	"github.com/vcheck/vcheck/conformance"
)

// dryRun prints every planned request, secrets redacted (the Authorization
// header by its shape), and sends nothing.
func dryRun(o *Options, tgt Target, cases []planned) error {
	base := tgt.URL
	if tgt.Embedded {
		base = "<embedded mock>"
	}
	fmt.Fprintf(o.Out, "dry run: %d cases to %s, seed %d; nothing is sent\n", len(cases), base, o.Seed)
	for i, p := range cases {
		c := conformance.DrawOne(*p.fam, p.seed)
		fmt.Fprintf(o.Out, "\ncase %d  %s@%d  %s\n  defect: %s\n", i+1, p.fam.Name, p.seed, c.Family, c.Defect)
		for _, st := range c.Setup {
			printRecord(o, "  setup:  ", record(st.Request))
		}
		printRecord(o, "  send:   ", record(c.Request))
	}
	return nil
}

func printRecord(o *Options, prefix string, r RequestRecord) {
	fmt.Fprintf(o.Out, "%s%s %s\n", prefix, r.Method, r.Path)
	keys := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(o.Out, "          %s: %s\n", k, r.Headers[k])
	}
	if r.Body != "" {
		fmt.Fprintf(o.Out, "          %s\n", r.Body)
	}
}
