// Command vcheck is a contract-test and fuzzing harness for the error
// contract of the Sinch Verification API. main only wires flags to the
// packages; the logic lives in contracts, conformance, mock and runner.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// Exit codes, as in the design: the one place they are decided.
const (
	exitOK          = 0 // every check passed
	exitBroken      = 1 // the target broke the contract
	exitUsage       = 2 // usage or configuration error; nothing was sent
	exitUnreachable = 3 // the target could not be reached or timed out
)

// command is one subcommand. run returns nil on success, a *usageError for
// bad flags or files, or an error mapped to an exit code by exitCode.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

// commands is filled by each subcommand's file at init, one file per command.
var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// stdin is what commands read as standard input; tests replace it per run.
type stdinKey struct{}

func stdinFrom(ctx context.Context) io.Reader {
	if r, ok := ctx.Value(stdinKey{}).(io.Reader); ok {
		return r
	}
	return strings.NewReader("")
}

// run is the whole CLI: it parses args, runs a command and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, out, errOut io.Writer) int {
	ctx = context.WithValue(ctx, stdinKey{}, stdin)
	if len(args) == 0 {
		usage(errOut)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(out)
		return exitOK
	case "help":
		// vcheck help CMD [SUB] is vcheck CMD [SUB] -h.
		if len(args) == 1 {
			usage(out)
			return exitOK
		}
		args = append(args[1:], "-h")
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errOut, "vcheck: unknown command %q\n\n", args[0])
		usage(errOut)
		return exitUsage
	}
	err := c.run(ctx, args[1:], out, errOut)
	if err != nil && !errors.Is(err, errHelp) {
		fmt.Fprintf(errOut, "vcheck %s: %v\n", c.name, err)
	}
	return exitCode(err)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "vcheck: contract tests and fuzzing for the error contract of the Sinch Verification API")
	fmt.Fprintln(w, "\nusage: vcheck COMMAND [flags]   (vcheck help COMMAND, or vcheck COMMAND -h, for its flags and exit codes)")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nexit codes: 0 pass, 1 contract broken, 2 usage or configuration error, 3 target unreachable")
}
