package main

import (
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helpTargets are every registered command and kit's subcommands, as the
// arguments that name them.
func helpTargets() [][]string {
	var out [][]string
	for name := range commands {
		out = append(out, []string{name})
	}
	for _, sub := range []string{"list", "export", "run", "report"} {
		out = append(out, []string{"kit", sub})
	}
	return out
}

// TestHelp_everyCommandStatesSynopsisAndExitCodes: CMD -h and help CMD
// print the same help, with the command's synopsis and its exit codes.
func TestHelp_everyCommandStatesSynopsisAndExitCodes(t *testing.T) {
	t.Parallel()
	for _, cmd := range helpTargets() {
		name := strings.Join(cmd, " ")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, viaFlag, stderr := cli(t, "", append(cmd, "-h")...)
			require.Equal(t, exitOK, code, stderr)
			assert.Empty(t, stderr)
			assert.Contains(t, viaFlag, "usage: vcheck "+name)
			assert.Contains(t, viaFlag, "exit codes")
			assert.Contains(t, viaFlag, "2 ", "every command states its usage exit code")

			code, viaHelp, stderr := cli(t, "", append([]string{"help"}, cmd...)...)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, viaFlag, viaHelp)
		})
	}
}

// TestHelp_commandList: help alone lists the commands; help of an unknown
// command is a usage error.
func TestHelp_commandList(t *testing.T) {
	t.Parallel()
	code, stdout, _ := cli(t, "", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "vcheck help COMMAND")
	for name := range commands {
		assert.Contains(t, stdout, "\n  "+name+" ")
	}
	code, _, stderr := cli(t, "", "help", "frobnicate")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "frobnicate"`)
}

// TestHelp_positionalArguments: the commands that take files say what each is.
func TestHelp_positionalArguments(t *testing.T) {
	t.Parallel()
	for _, row := range []struct {
		name string
		args []string
		want []string
	}{
		{"diff", []string{"diff", "-h"}, []string{"arguments:", "A.json", "B.json", "vcheck run --json"}},
		{"kit report", []string{"kit", "report", "-h"}, []string{"arguments:", "A.json B.json...", "vcheck kit run --json"}},
		{"kit run", []string{"kit", "run", "-h"}, []string{"arguments:", "-- ADAPTER..."}},
		{"explain", []string{"explain", "-h"}, []string{"stdin:", "error body"}},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, _ := cli(t, "", row.args...)
			require.Equal(t, exitOK, code)
			for _, w := range row.want {
				assert.Contains(t, stdout, w)
			}
		})
	}
	_, stdout, _ := cli(t, "", "diff", "-h")
	assert.NotContains(t, stdout, "flags:", "no flags, no empty flags section")
}

// tty is a stdin that says it is a terminal, as an *os.File on one does.
type tty struct{ io.Reader }

func (tty) Stat() (os.FileInfo, error) { return ttyInfo{}, nil }

type ttyInfo struct{}

func (ttyInfo) Name() string       { return "tty" }
func (ttyInfo) Size() int64        { return 0 }
func (ttyInfo) Mode() fs.FileMode  { return fs.ModeDevice | fs.ModeCharDevice | 0o620 }
func (ttyInfo) ModTime() time.Time { return time.Time{} }
func (ttyInfo) IsDir() bool        { return false }
func (ttyInfo) Sys() any           { return nil }

// TestExplain_saysWhatItWaitsForOnATerminal: with a terminal on stdin,
// explain says on stderr what it reads; piped, it says nothing.
func TestExplain_saysWhatItWaitsForOnATerminal(t *testing.T) {
	t.Parallel()
	body := `{"errorCode":40001,"message":"x"}`
	for _, row := range []struct {
		name   string
		stdin  io.Reader
		prompt bool
	}{
		{"terminal", tty{strings.NewReader(body)}, true},
		{"pipe", strings.NewReader(body), false},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut strings.Builder
			run(t.Context(), []string{"explain"}, row.stdin, &out, &errOut)
			assert.Contains(t, out.String(), "documented error", "the body is still read")
			if row.prompt {
				assert.Contains(t, errOut.String(), "paste it, then press Ctrl-D")
			} else {
				assert.NotContains(t, errOut.String(), "Ctrl-D")
			}
		})
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	w.Close()
	assert.False(t, isTerminal(r), "a pipe is no terminal")
}
