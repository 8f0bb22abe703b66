package runner_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/runner"
)

// TestRun_configErrorsNameTheField: a wrong option is a *ConfigError that
// carries the Options field, and its message names fields by their Go
// names, never by a command-line flag.
func TestRun_configErrorsNameTheField(t *testing.T) {
	t.Parallel()
	for _, row := range []struct {
		o     runner.Options
		field string
		want  string
	}{
		{runner.Options{Cases: -1}, "Cases", "Cases -1: want 1 or more"},
		{runner.Options{Concurrency: -2}, "Concurrency", "Concurrency -2: want 1 or more"},
		{runner.Options{Shard: 3, Shards: 2}, "Shard", "Shard 3/2: want I/N"},
		{runner.Options{AllowSideEffects: true}, "AllowSideEffects", "AllowSideEffects needs TestNumber"},
		{runner.Options{UpdateBaseline: true}, "UpdateBaseline", "UpdateBaseline needs Baseline"},
		{runner.Options{Drift: "wrong-code", Target: "http://127.0.0.1:9"}, "Drift", "drop Target or Drift"},
		{runner.Options{Target: "ftp://x"}, "Target", `Target "ftp://x": want an http:// or https:// URL`},
		{runner.Options{Replay: "nope"}, "Replay", `Replay "nope": want FAMILY@SEED`},
		{runner.Options{RequireCodes: []int{12345}}, "RequireCodes", "RequireCodes 12345: not a documented code"},
		{runner.Options{Only: []int{40001}, RequireCodes: []int{40003}}, "RequireCodes", "RequireCodes 40003: left out by Only/Skip"},
		{runner.Options{Baseline: filepath.Join(t.TempDir(), "absent.json")}, "Baseline", "Baseline: baseline: open "},
	} {
		_, err := runner.Run(context.Background(), row.o)
		require.ErrorIs(t, err, runner.ErrConfig, row.want)
		var ce *runner.ConfigError
		require.ErrorAs(t, err, &ce, row.want)
		assert.Equal(t, row.field, ce.Field, row.want)
		assert.Contains(t, err.Error(), row.want)
		assert.NotContains(t, err.Error(), "--", "a field, not a flag: %s", err)
		_, err = runner.DryRun(nil, row.o)
		assert.Equal(t, ce.Error(), err.Error(), "a dry run refuses the same options the same way")
	}
}

// TestConfigError_Text: Text names every field the caller's way and keeps
// the rest of the message.
func TestConfigError_Text(t *testing.T) {
	t.Parallel()
	_, err := runner.Run(context.Background(), runner.Options{Only: []int{40001}, RequireCodes: []int{40003}})
	var ce *runner.ConfigError
	require.ErrorAs(t, err, &ce)
	flags := map[string]string{"RequireCodes": "--require-codes", "Only": "--only"}
	assert.Equal(t, "--require-codes 40003: left out by --only/Skip", ce.Text(func(f string) string { return flags[f] }),
		"a field the name function leaves out keeps its Go name")
	assert.Equal(t, ce.Error(), ce.Text(nil))
}
