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
	register(command{name: "explain", summary: "read an error body on stdin and say which documented error it is", run: runExplain})
}

func runExplain(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("explain", "[--status N] [--json] [--catalog FILE] < body.json", out)
	fs.epilog = explainEpilog
	status := fs.Int("status", 0, "the HTTP status the body came with (100-599); checked against the docs")
	asJSON := fs.Bool("json", false, "print the explanation as JSON")
	catalog := fs.catalogFlag()
	if err := fs.parse(args); err != nil {
		return err
	}
	if *status != 0 && (*status < 100 || *status > 599) {
		return usagef("--status %d: want an HTTP status from 100 to 599", *status)
	}
	c, err := catalog()
	if err != nil {
		return err
	}
	stdin := stdinFrom(ctx)
	if isTerminal(stdin) {
		// Otherwise a user who forgot the pipe sees a command that hangs.
		fmt.Fprintln(errOut, explainPrompt)
	}
	body, err := io.ReadAll(io.LimitReader(stdin, contracts.MaxErrorBodySize+1))
	if err != nil {
		return usagef("reading stdin: %v", err)
	}
	e := contracts.ParseErrorBody(body)
	e.HTTPStatus = *status
	switch {
	case e.Has(contracts.ProblemTruncated):
		return usagef("stdin: more than %d bytes; an error body is a few hundred bytes", contracts.MaxErrorBodySize)
	case e.Has(contracts.ProblemEmptyBody):
		return usagef("stdin is empty: pipe an error body, e.g. echo '{\"errorCode\":40002}' | vcheck explain")
	case e.Has(contracts.ProblemNotJSON), e.Has(contracts.ProblemNotObject):
		p := e.Problems[0]
		return usagef("stdin is not an error body: %s", p.Detail)
	}
	x := c.Explain(e)
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(x); err != nil {
			return err
		}
	} else {
		writeExplanation(out, e, x)
	}
	if !x.Exact {
		return fmt.Errorf("the body departs from the documentation: %w", errContractBroken)
	}
	return nil
}

// explainPrompt is what explain says on stderr when stdin is a terminal.
const explainPrompt = `vcheck explain: reading an error body from the terminal: paste it, then press Ctrl-D
  (or pipe one: vcheck explain --status 400 < body.json; vcheck explain -h for more)`

// explainEpilog is the end of vcheck explain -h.
const explainEpilog = `stdin: one error body as the API answered it (JSON, at most 1 MiB), for example
  curl -s ... | vcheck explain --status 400

exit codes:
  0  the body is a documented error, exactly as documented
  1  the body departs from the documentation (or is no documented error); the differences are listed
  2  a bad flag or --catalog file, an empty stdin, or stdin that is not a JSON object
`

func writeExplanation(w io.Writer, e *contracts.APIError, x contracts.Explanation) {
	if x.Found {
		fmt.Fprintf(w, "documented error: %d %s (HTTP %d, trigger %s), matched by %s\n",
			x.Spec.Code, x.Spec.Type, x.Spec.HTTPStatus, x.Spec.Trigger, strings.Join(x.MatchedBy, ", "))
		fmt.Fprintf(w, "  documented message: %s\n", strings.Join(x.Spec.Messages, " / "))
	} else {
		fmt.Fprintln(w, "documented error: none of the documented codes")
	}
	if x.Example != 0 {
		fmt.Fprintf(w, "this body is the published example under the %d heading, verbatim\n", x.Example)
	}
	for _, code := range x.Conflicts {
		fmt.Fprintf(w, "  part of the body points to %d instead\n", code)
	}
	for _, er := range x.Errata {
		fmt.Fprintf(w, "erratum %d: %s\n  policy: %s\n", er.ID, er.DocsSay, er.Policy)
	}
	if x.Exact {
		fmt.Fprintln(w, "matches the documentation exactly")
	} else {
		fmt.Fprintln(w, "differs from the documentation:")
		for _, p := range x.Problems {
			fmt.Fprintf(w, "  - %s\n", p)
		}
	}
	switch {
	case e.Retryable():
		fmt.Fprintln(w, "retry: yes, later and with backoff (HTTP 429 or 5xx)")
	default:
		fmt.Fprintln(w, "retry: no; the request itself must change")
	}
}
