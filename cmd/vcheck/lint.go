package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vcheck/vcheck/contracts"
)

func init() {
	register(command{name: "lint", summary: "report where the published documentation contradicts itself (the errata)", run: runLint})
}

func runLint(_ context.Context, args []string, out, _ io.Writer) error {
	fs := newFlags("lint", "[--json] [--catalog FILE]", out)
	fs.epilog = lintExitCodes
	asJSON := fs.Bool("json", false, "print the report as JSON")
	catalog := fs.catalogFlag()
	if err := fs.parse(args); err != nil {
		return err
	}
	c, err := catalog()
	if err != nil {
		return err
	}
	r := contracts.Lint(c)
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		writeLint(out, r)
	}
	if len(r.Undeclared) > 0 {
		return fmt.Errorf("%d contradiction(s) in the catalog that no erratum declares: %w", len(r.Undeclared), errContractBroken)
	}
	return nil
}

// lintExitCodes is the end of vcheck lint -h.
const lintExitCodes = `exit codes:
  0  every contradiction in the catalog is a declared erratum
  1  a contradiction that no erratum declares (printed as UNDECLARED)
  2  a bad flag, or a --catalog file that cannot be read
`

func writeLint(w io.Writer, r contracts.LintReport) {
	counts := map[contracts.LintState]int{}
	for _, e := range r.Errata {
		counts[e.State]++
		codes := "all codes"
		if len(e.Erratum.Codes) > 0 {
			codes = strings.Trim(fmt.Sprint(e.Erratum.Codes), "[]")
		}
		fmt.Fprintf(w, "erratum %d [%s] (%s)\n", e.Erratum.ID, e.State, codes)
		fmt.Fprintf(w, "  docs say: %s\n", e.Erratum.DocsSay)
		for _, ev := range e.Evidence {
			fmt.Fprintf(w, "  computed: %s\n", ev)
		}
		fmt.Fprintf(w, "  policy:   %s\n\n", e.Erratum.Policy)
	}
	for _, u := range r.Undeclared {
		fmt.Fprintf(w, "UNDECLARED: %s\n", u)
	}
	fmt.Fprintf(w, "%d errata: %d confirmed from the catalog's data, %d declared from other pages, %d resolved; %d undeclared contradiction(s)\n",
		len(r.Errata), counts[contracts.LintConfirmed], counts[contracts.LintDeclared], counts[contracts.LintResolved], len(r.Undeclared))
}
