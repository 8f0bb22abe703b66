package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secretForms are the ways the test secret could leak: itself, its
// decoded bytes, and the Basic credentials in each base64 alphabet.
func secretForms(key, secret string) []string {
	raw, _ := base64.StdEncoding.DecodeString(secret)
	basic := key + ":" + secret
	return []string{
		secret,
		strings.TrimRight(secret, "="),
		string(raw),
		base64.StdEncoding.EncodeToString([]byte(basic)),
		base64.RawStdEncoding.EncodeToString([]byte(basic)),
		base64.URLEncoding.EncodeToString([]byte(basic)),
		base64.RawURLEncoding.EncodeToString([]byte(basic)),
		base64.URLEncoding.EncodeToString(raw),
	}
}

// TestSecretNeverPrinted runs vcheck the ways that print the most (findings
// with curl lines, every report, a dry run, Basic auth, errors) with a
// known secret, and searches every output for it.
func TestSecretNeverPrinted(t *testing.T) {
	const key = "secret-test-key"
	secret := base64.StdEncoding.EncodeToString([]byte("s3cr3t-that-must-not-leak"))
	dir := t.TempDir()
	var outputs []string
	runCLI := func(env map[string]string, args ...string) {
		var out, errOut bytes.Buffer
		for k, v := range env {
			t.Setenv(k, v)
		}
		code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		outputs = append(outputs, out.String(), errOut.String())
		t.Logf("vcheck %s -> exit %d", strings.Join(args[:1], " "), code)
	}
	reports := func(name string) []string {
		return []string{"--json", filepath.Join(dir, name+".json"), "--junit", filepath.Join(dir, name+".xml"), "--markdown", filepath.Join(dir, name+".md")}
	}
	// Findings (and so curl lines and shrunk cases) from drift mutants, the
	// secret given as a flag and through the environment.
	runCLI(nil, append([]string{"run", "--key", key, "--secret", secret, "--cases", "4", "--seed", "9", "--drift", "accept-bad-signature"}, reports("flag")...)...)
	runCLI(map[string]string{"SINCH_APPLICATION_KEY": key, "SINCH_APPLICATION_SECRET": secret},
		append([]string{"run", "--cases", "4", "--seed", "9", "--drift", "wrong-http-status", "--auth", "basic"}, reports("env")...)...)
	runCLI(nil, "run", "--key", key, "--secret", secret, "--dry-run", "--cases", "2")
	runCLI(nil, "run", "--key", key, "--secret", secret, "--auth", "basic", "--dry-run", "--cases", "2")
	// Configuration errors that mention credentials.
	runCLI(nil, "run", "--key", key, "--secret", secret+"%", "--cases", "1")
	runCLI(nil, "run", "--target", "http://"+key+":"+secret+"@127.0.0.1:1", "--cases", "1")

	files, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	require.Len(t, files, 6, "every report was written")
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		outputs = append(outputs, string(b))
	}
	all := strings.Join(outputs, "\n")
	require.Contains(t, all, "curl", "the outputs hold reproduction lines")
	require.Contains(t, all, "$SINCH_APPLICATION_KEY", "curl lines reference the environment")
	for _, form := range secretForms(key, secret) {
		assert.NotContains(t, all, form, "a form of the secret leaked")
	}
	assert.NotContains(t, all, "Authorization: Application "+key+":", "no Authorization value is printed")
}
