package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// errHelp is returned when -h was asked for; the usage was printed already.
var errHelp = flag.ErrHelp

// errContractBroken means the target (or the input) departs from the
// documented contract: exit 1.
var errContractBroken = errors.New("contract broken")

// errUnreachable means the target could not be reached or timed out: exit 3.
var errUnreachable = errors.New("target unreachable")

// usageError is a bad flag, argument or file: exit 2. Its message names the
// flag or file.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// exitCode maps an error to the documented exit codes; the only such place.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, errUnreachable):
		return exitUnreachable
	case errors.Is(err, errContractBroken):
		return exitBroken
	}
	return exitUsage
}

// newFlags returns a flag set for a subcommand whose -h prints the
// summary and the flags to out and whose errors become usage errors.
func newFlags(name, synopsis string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("vcheck "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseFlags reports errors itself
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: vcheck %s %s\n\nflags:\n", name, synopsis)
		fs.SetOutput(out)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args and turns a flag error into a usage error that
// names the flag; -h gives errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return errHelp
	case err != nil:
		return &usageError{err.Error()}
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
