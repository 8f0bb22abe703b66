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

// flagSet is a subcommand's flags: -h prints the synopsis and the flags to
// out; a bad flag becomes a usage error that names it.
type flagSet struct {
	*flag.FlagSet
	out      io.Writer
	synopsis string
	// epilog is printed after the flags by -h: the positional arguments,
	// if any, and the command's exit codes (every command has them).
	epilog string
}

func newFlags(name, synopsis string, out io.Writer) *flagSet {
	fs := flag.NewFlagSet("vcheck "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors itself
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, out: out, synopsis: synopsis}
}

// parse parses args, which must hold flags only; -h prints the help and
// gives errHelp.
func (f *flagSet) parse(args []string) error {
	if err := f.parseWithArgs(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return usagef("unexpected argument %q", f.Arg(0))
	}
	return nil
}

// parseWithArgs is parse for commands that take positional arguments.
func (f *flagSet) parseWithArgs(args []string) error {
	err := f.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(f.out, "usage: %s %s\n", f.Name(), f.synopsis)
		hasFlags := false
		f.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(f.out, "\nflags:\n")
			f.SetOutput(f.out)
			f.PrintDefaults()
			f.SetOutput(io.Discard)
		}
		if f.epilog != "" {
			fmt.Fprintf(f.out, "\n%s", f.epilog)
		}
		return errHelp
	case err != nil:
		return &usageError{err.Error()}
	}
	return nil
}

// exitAs gives err the exit code of sentinel without repeating its text.
type exitAs struct {
	err      error
	sentinel error
}

func (e *exitAs) Error() string          { return e.err.Error() }
func (e *exitAs) Unwrap() []error        { return []error{e.err, e.sentinel} }
func withExit(err, sentinel error) error { return &exitAs{err, sentinel} }
