package main

import (
	"io"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/runner"
)

// TestOptionFlags_coverEveryField: every runner.Options field is named by
// a flag of vcheck run, or has none on purpose; every flag named exists.
func TestOptionFlags_coverEveryField(t *testing.T) {
	t.Parallel()
	noFlag := []string{"Retries", "Transport", "MaxShrink", "Version", "Command"}
	var names []string
	for f := range reflect.TypeFor[runner.Options]().Fields() {
		names = append(names, f.Name)
	}
	for _, name := range names {
		if _, ok := optionFlags[name]; !ok {
			assert.Contains(t, noFlag, name, "runner.Options.%s: add its flag to optionFlags, or to noFlag here", name)
		}
	}
	var help strings.Builder
	_, err := runOptions([]string{"-h"}, &help, io.Discard)
	require.ErrorIs(t, err, errHelp)
	have := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(help.String(), -1) {
		have["--"+m[1]] = true
	}
	require.True(t, have["--cases"], "the flags are read from the help")
	for field, flag := range optionFlags {
		for _, f := range regexp.MustCompile(`--[a-z-]+`).FindAllString(flag, -1) {
			assert.True(t, have[f], "%s names %s, which vcheck run does not have", field, f)
		}
		if root, _, _ := strings.Cut(field, "."); !slices.Contains(names, root) {
			t.Errorf("optionFlags names %s, a field runner.Options does not have", field)
		}
	}
}

// TestRun_configErrorsNameFlags: the runner's errors name Options fields;
// vcheck run's messages name the flags instead, the report flags included.
func TestRun_configErrorsNameFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := []string{"--target", "http://127.0.0.1:9", "--key", "k", "--secret", "c2VjcmV0", "--cases", "1"}
	for _, row := range []struct {
		args []string
		want string
	}{
		{[]string{"--dry-run", "--cases", "-1"}, "vcheck run: --cases -1: want 1 or more\n"},
		{[]string{"--dry-run", "--allow-side-effects"}, "vcheck run: --allow-side-effects needs --test-number: the only number a real verification may reach\n"},
		{[]string{"--dry-run", "--update-baseline"}, "vcheck run: --update-baseline needs --baseline\n"},
		{[]string{"--dry-run", "--drift", "wrong-code", "--target", "http://127.0.0.1:9"}, "vcheck run: --drift applies to the embedded mock only; drop --target or --drift\n"},
		{[]string{"--dry-run", "--target", "ftp://x"}, `vcheck run: --target "ftp://x": want an http:// or https:// URL` + "\n"},
		{[]string{"--dry-run", "--replay", "nope"}, `vcheck run: --replay "nope": want FAMILY@SEED as reports print it` + "\n"},
		{[]string{"--dry-run", "--only", "40001", "--require-codes", "40003"}, "vcheck run: --require-codes 40003: left out by --only/--skip\n"},
		{append(good, "--html", dir), "vcheck run: --html " + dir + ": is a directory\n"},
		{append(good, "--markdown", filepath.Join(dir, "none", "r.md")), "vcheck run: --markdown " + filepath.Join(dir, "none", "r.md") + ": cannot be written"},
		{[]string{"--target", "http://127.0.0.1:9", "--cases", "1"}, "vcheck run: no credentials: set --key and --secret, or SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET\n"},
		{[]string{"--target", "http://127.0.0.1:9", "--key", "k", "--secret", "not base64%", "--cases", "1"}, "vcheck run: --secret: "},
	} {
		code, _, stderr := cli(t, "", append([]string{"run"}, row.args...)...)
		assert.Equal(t, exitUsage, code, "%v: %s", row.args, stderr)
		assert.Contains(t, stderr, row.want, row.args)
	}
}
