package main

import (
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeConfig writes a vcheck.yaml into a fresh directory and returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vcheck.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

// TestConfig_roundTrip: a config file and the flag line it stands for
// give the same runner.Options.
func TestConfig_roundTrip(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
target: http://127.0.0.1:9
auth: basic
cases: 3
seed: 42
only: [40001, "40002", 40003]
skip: 40004
concurrency: 2
rate: 7.5
budget: 100
timeout: 3s
shard: 2/4
errata: strict
mock-magic: true
allow-side-effects: true
test-number: "+15550100"
drift: wrong-status
require-codes: [40001, 40002]
max-findings: 0
json: out/run.json
junit: out/run.xml
markdown: out/run.md
html: out/run.html
baseline: /abs/baseline.json
`)
	dir := filepath.Dir(path)
	flags := []string{
		"--target", "http://127.0.0.1:9", "--auth", "basic", "--cases", "3", "--seed", "42",
		"--only", "40001,40002,40003", "--skip", "40004", "--concurrency", "2", "--rate", "7.5",
		"--budget", "100", "--timeout", "3s", "--shard", "2/4", "--errata", "strict", "--mock-magic",
		"--allow-side-effects", "--test-number", "+15550100", "--drift", "wrong-status",
		"--require-codes", "40001,40002", "--max-findings", "0",
		"--json", filepath.Join(dir, "out/run.json"), "--junit", filepath.Join(dir, "out/run.xml"),
		"--markdown", filepath.Join(dir, "out/run.md"), "--html", filepath.Join(dir, "out/run.html"),
		"--baseline", "/abs/baseline.json",
	}
	want, err := runOptions(flags, io.Discard, io.Discard)
	require.NoError(t, err)
	got, err := runOptions([]string{"--config", path}, io.Discard, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, []int{40001, 40002, 40003}, got.Only, "the file's list is read")
	assert.Equal(t, filepath.Join(dir, "out", "run.json"), got.JSON, "relative to the file's directory")
	assert.Equal(t, "/abs/baseline.json", got.Baseline, "an absolute path is kept")
}

// TestConfig_flagsOverrideTheFile: a flag on the command line wins over
// the file's key, before or after --config; the file's other keys apply.
func TestConfig_flagsOverrideTheFile(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "cases: 3\nseed: 42\njson: run.json\n")
	for _, row := range []struct {
		name string
		args []string
	}{
		{"flag after --config", []string{"--config", path, "--cases", "9", "--json", "cli.json"}},
		{"flag before --config", []string{"--cases", "9", "--json", "cli.json", "--config", path}},
	} {
		t.Run(row.name, func(t *testing.T) {
			o, err := runOptions(row.args, io.Discard, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, 9, o.Cases)
			assert.Equal(t, "cli.json", o.JSON, "a command-line path stays relative to the working directory")
			assert.Equal(t, uint64(42), o.Seed, "the file's other keys still apply")
		})
	}
}

// TestConfig_errors: each way a file can be wrong is refused (exit 2,
// nothing sent) with a message that names the key and its line.
func TestConfig_errors(t *testing.T) {
	t.Parallel()
	for _, row := range []struct {
		name, body string
		want       []string
	}{
		{"unknown key", "cases: 2\ntagret: http://x\n", []string{"vcheck.yaml:2:", `unknown key "tagret"`, "target"}},
		{"underscore spelling", "require_codes: all\n", []string{"vcheck.yaml:1:", `"require_codes"`, "did you mean require-codes?"}},
		{"wrong type int", "seed: 1\ncases: many\n", []string{"vcheck.yaml:2: cases: want an integer"}},
		{"wrong type bool", "mock-magic: sometimes\n", []string{"vcheck.yaml:1: mock-magic: want true or false"}},
		{"wrong type duration", "timeout: 10\n", []string{"vcheck.yaml:1: timeout: want a duration"}},
		{"list for a scalar", "target: [a, b]\n", []string{"vcheck.yaml:1: target: want a string, not a list"}},
		{"mapping in a list", "only:\n  - {code: 40001}\n", []string{"vcheck.yaml:1: only: list item at line 2"}},
		{"empty list", "only: []\n", []string{"vcheck.yaml:1: only: an empty list"}},
		{"null value", "cases:\n", []string{"vcheck.yaml:1: cases: no value"}},
		{"zero cases", "cases: 0\n", []string{"--cases 0: want a positive value", "set at", "vcheck.yaml:1"}},
		{"zero rate", "rate: 0\n", []string{"--rate 0: want a positive value", "vcheck.yaml:1"}},
		{"bad code", "only: [40001, 4000x]\n", []string{"vcheck.yaml:1: only: item 2: want a five-digit error code"}},
		{"bad code in a comma string", "skip: 40001,x\n", []string{"vcheck.yaml:1: skip: item 2: want a five-digit error code"}},
		{"code out of range", "only: [400]\n", []string{`--only: "400" is not a five-digit error code`, "vcheck.yaml:1"}},
		{"require-codes all in a list", "require-codes: [all]\n", []string{"require-codes: item 1"}},
		{"bad auth", "\nauth: digest\n", []string{`--auth "digest"`, "vcheck.yaml:2"}},
		{"bad shard", "shard: 5/4\n", []string{"--shard", "vcheck.yaml:1"}},
		{"negative max-findings", "max-findings: -1\n", []string{"--max-findings -1", "vcheck.yaml:1"}},
		{"twice", "cases: 2\ncases: 3\n", []string{"vcheck.yaml:2: cases is set twice (first at line 1)"}},
		{"dry-run", "dry-run: true\n", []string{"vcheck.yaml:1: dry-run cannot be set in a config file"}},
		{"update-baseline", "update-baseline: true\n", []string{"update-baseline cannot be set in a config file"}},
		{"nested config", "config: other.yaml\n", []string{"a config file cannot name another"}},
		{"not a mapping", "- cases\n", []string{"vcheck.yaml:1: want a mapping"}},
		{"two documents", "cases: 2\n---\ncases: 3\n", []string{"want one YAML document"}},
		{"not YAML", "cases: [2\n", []string{"vcheck.yaml"}},
		{"missing catalog", "catalog: no-such.json\n", []string{"--catalog", "no-such.json", "vcheck.yaml:1"}},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, row.body)
			code, stdout, stderr := cli(t, "", "run", "--dry-run", "--config", path)
			assert.Equal(t, exitUsage, code, stderr)
			for _, w := range row.want {
				assert.Contains(t, stderr, w)
			}
			assert.Empty(t, stdout, "nothing planned")
		})
	}
	code, _, stderr := cli(t, "", "run", "--config", filepath.Join(t.TempDir(), "absent.yaml"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--config: open")
}

// TestConfig_emptyFileSetsNothing: an empty file (or only comments) is the defaults.
func TestConfig_emptyFileSetsNothing(t *testing.T) {
	t.Parallel()
	want, err := runOptions(nil, io.Discard, io.Discard)
	require.NoError(t, err)
	for _, body := range []string{"", "# nothing yet\n", "---\n"} {
		got, err := runOptions([]string{"--config", writeConfig(t, body)}, io.Discard, io.Discard)
		require.NoError(t, err, "%q", body)
		assert.Equal(t, want, got, "%q", body)
	}
}

// TestConfig_secretsAreRefusedUnechoed: a credential in the file is
// refused, points to the environment, and its value appears in no output,
// however the key is spelled and even when the file is broken too.
func TestConfig_secretsAreRefusedUnechoed(t *testing.T) {
	t.Parallel()
	secret := base64.StdEncoding.EncodeToString([]byte("s3cr3t-that-must-not-leak"))
	const key = "config-key-that-must-not-leak"
	for _, row := range []struct {
		name, body string
		refused    bool
	}{
		{"secret", "cases: 2\nsecret: " + secret + "\n", true},
		{"key", "key: " + key + "\n", true},
		{"application_secret", "application_secret: " + secret + "\n", true},
		{"env spelling", "SINCH_APPLICATION_SECRET: " + secret + "\nSINCH_APPLICATION_KEY: " + key + "\n", true},
		{"api-key", "api-key: " + key + "\n", true},
		{"password", "password: " + secret + "\n", true},
		{"nested under a known key", "target:\n  secret: " + secret + "\n", false},
		{"as a list item", "only: [" + secret + "]\n", false},
		{"in a wrongly typed value", "cases: " + secret + "\n", false},
		{"in a broken file", "secret: \"" + secret + "\n  x: [\n", false},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, row.body)
			code, stdout, stderr := cli(t, "", "run", "--dry-run", "--config", path)
			assert.Equal(t, exitUsage, code, stderr)
			if row.refused {
				assert.Contains(t, stderr, "SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET")
			}
			for _, leak := range append(secretForms(key, secret), key) {
				assert.NotContains(t, stdout+stderr, leak)
			}
		})
	}
}

// TestConfig_noRunKeyLooksSecret: the refusal of secret-like keys does not
// swallow a real flag name, and the credentials are no keys.
func TestConfig_noRunKeyLooksSecret(t *testing.T) {
	t.Parallel()
	code, stdout, _ := cli(t, "", "run", "-h")
	require.Equal(t, exitOK, code)
	for _, k := range []string{"target", "cases", "require-codes", "max-findings", "test-number", "auth", "catalog", "baseline"} {
		assert.False(t, secretLike(k), k)
		assert.Contains(t, stdout, "-"+k)
	}
	for _, k := range []string{"key", "secret", "Application-Secret", "sinch.application.key", "token", "apiKey"} {
		assert.True(t, secretLike(k), k)
	}
	assert.Contains(t, stdout, "-config", "run -h lists --config")
}

// TestRun_dryRunIsExitZero: a dry run, from flags or a file, plans and
// exits 0; it has no verdict, and that is not an error.
func TestRun_dryRunIsExitZero(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "cases: 1\nseed: 7\nonly: [40001]\n")
	for _, args := range [][]string{
		{"run", "--dry-run", "--cases", "1", "--seed", "7", "--only", "40001"},
		{"run", "--dry-run", "--config", path},
	} {
		code, stdout, stderr := cli(t, "", args...)
		assert.Equal(t, exitOK, code, "%v: %s", args, stderr)
		assert.Contains(t, stdout, "dry run: 1 cases")
		assert.Empty(t, stderr)
	}
}
