package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vcheck/vcheck/contracts"
)

func init() {
	register(command{name: "catalog", summary: "print the error catalog, with the mock's magic values", run: runCatalog})
}

// loadCatalog returns the embedded catalog, or the file's when path is set;
// a bad file is a usage error that names it.
func loadCatalog(path string) (*contracts.Catalog, error) {
	if path == "" {
		return contracts.DefaultCatalog(), nil
	}
	c, err := contracts.LoadCatalogFile(path)
	if err != nil {
		return nil, usagef("--catalog: %v", err)
	}
	return c, nil
}

// catalogFlag adds --catalog to f; the function it returns loads the
// catalog the flag names, the embedded one when it is not given.
func (f *flagSet) catalogFlag() func() (*contracts.Catalog, error) {
	path := f.String("catalog", "", "read this catalog file instead of the embedded one")
	return func() (*contracts.Catalog, error) { return loadCatalog(*path) }
}

// catalogExitCodes is the end of vcheck catalog -h.
const catalogExitCodes = `exit codes:
  0  the catalog was printed
  2  a bad flag, or a --catalog file that cannot be read (the message names the file and field)
`

func runCatalog(_ context.Context, args []string, out, _ io.Writer) error {
	fs := newFlags("catalog", "[--json] [--catalog FILE]", out)
	fs.epilog = catalogExitCodes
	asJSON := fs.Bool("json", false, "print the catalog entries as JSON")
	catalog := fs.catalogFlag()
	if err := fs.parse(args); err != nil {
		return err
	}
	c, err := catalog()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(c.Errors())
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tHTTP\tSTATUS\tTRIGGER\tMAGIC NUMBER\tMESSAGE")
	for _, s := range c.Errors() {
		magic := s.Magic
		if magic == "" {
			magic = "-"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", s.Code, s.HTTPStatus, s.Status, s.Trigger, magic, strings.Join(s.Messages, " / "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d documented codes. A start request to a magic number makes vcheck's mock answer that code.\n", len(c.Errors()))
	return nil
}
