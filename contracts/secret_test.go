package contracts_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// TestSecretNeverPrints: style.md habit 17 and design.md ("Secrets never
// appear in any report, log, reproduction line or error message").
func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	const value = "JViE5vDor0Sw3WllZka15Q=="
	s := contracts.NewSecret(value)
	cred := contracts.Credentials{Key: "5F5C418A0F914BBC8234A9BF5EDDAD97", Secret: s}
	holder := struct {
		Name   string
		Secret contracts.Secret
		Ptr    *contracts.Secret
	}{"app", s, &s}

	// fmt cannot call a method of a value it reached through an unexported
	// field: there the Secret must be opaque by its shape.
	hidden := struct {
		name  string
		cred  contracts.Credentials
		creds []contracts.Credentials
		s     contracts.Secret
		p     *contracts.Secret
	}{"app", cred, []contracts.Credentials{cred}, s, &s}

	var outputs []string
	for _, verb := range []string{"%v", "%s", "%q", "%+v", "%#v", "%x", "%X", "%d", "%10s", "%T=%[1]v"} {
		outputs = append(outputs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, &s), fmt.Sprintf(verb, cred), fmt.Sprintf(verb, holder),
			fmt.Sprintf(verb, hidden), fmt.Sprintf(verb, &hidden))
	}
	outputs = append(outputs,
		fmt.Sprint(s), fmt.Sprintln(s, cred), s.String(), s.GoString(),
		fmt.Sprint([]contracts.Secret{s}), fmt.Sprint(map[string]contracts.Secret{"k": s}),
		fmt.Errorf("sign with %v: %w", s, errors.New("boom")).Error(),
		fmt.Errorf("credentials %+v", cred).Error(),
	)
	for _, v := range []any{s, cred, holder, []contracts.Secret{s}, map[string]contracts.Secret{"k": s}} {
		j, err := json.Marshal(v)
		require.NoError(t, err)
		outputs = append(outputs, string(j))
		x, err := xml.Marshal(struct{ V any }{v})
		if err == nil { // xml cannot marshal maps
			outputs = append(outputs, string(x))
		}
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("signing", "secret", s, "cred", cred, "hidden", hidden)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("signing", "secret", s, "cred", cred, "hidden", hidden)
	outputs = append(outputs, logs.String())

	for _, out := range outputs {
		assert.NotContains(t, out, value, "%q shows the secret", out)
		assert.NotContains(t, out, "JViE5vDor0Sw3Wll", "%q shows part of the secret", out)
	}
	assert.Equal(t, "REDACTED", fmt.Sprint(s))
	j, err := json.Marshal(cred)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Key":"5F5C418A0F914BBC8234A9BF5EDDAD97","Secret":"REDACTED"}`, string(j))
	assert.Equal(t, value, s.Reveal(), "Reveal is the one way to the value")
	assert.True(t, contracts.Secret{}.IsZero())
	assert.True(t, contracts.NewSecret("").IsZero())
	assert.Empty(t, contracts.Secret{}.Reveal())
	assert.False(t, s.IsZero())
}

func TestSecretUnmarshal(t *testing.T) {
	t.Parallel()
	var v struct{ Secret contracts.Secret }
	require.NoError(t, json.Unmarshal([]byte(`{"Secret":"BeIukql3pTKJ8RGL5zo0DA=="}`), &v))
	assert.Equal(t, "BeIukql3pTKJ8RGL5zo0DA==", v.Secret.Reveal(), "a catalog or config file can hold one")
}

func TestSecretKey(t *testing.T) {
	t.Parallel()
	key := []byte{0xfb, 0xff, 0xbf, 0x00, 0x3e, 0x3f, 0xfe, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90}
	std := base64.StdEncoding.EncodeToString(key)
	url := base64.URLEncoding.EncodeToString(key)
	require.NotEqual(t, std, url, "the key has bytes where the alphabets differ")
	tests := []struct {
		name   string
		secret string
		want   []byte
		reason string
	}{
		{"standard", std, key, "the documented form"},
		{"no padding", base64.RawStdEncoding.EncodeToString(key), key, "facts.md section 2: Java decodes padding-optional"},
		{"URL-safe", url, key, "facts.md section 2: Node accepts URL-safe"},
		{"URL-safe, no padding", base64.RawURLEncoding.EncodeToString(key), key, "facts.md section 2: Node is lenient"},
		{"line breaks", "JViE5vDor0Sw3Wll\r\nZka15Q==\n", []byte{0x25, 0x58, 0x84, 0xe6, 0xf0, 0xe8, 0xaf, 0x44, 0xb0, 0xdd, 0x69, 0x65, 0x66, 0x46, 0xb5, 0xe5}, "a secret read from a file; base64 decoders skip line breaks"},
		{"documented secret", "JViE5vDor0Sw3WllZka15Q==", []byte{0x25, 0x58, 0x84, 0xe6, 0xf0, 0xe8, 0xaf, 0x44, 0xb0, 0xdd, 0x69, 0x65, 0x66, 0x46, 0xb5, 0xe5}, "facts.md section 2 (decoded with base64(1))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := contracts.NewSecret(tt.secret).Key()
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
	for _, bad := range []string{"", "==", "\r", "\n\n", "==\r\n", "not*base64!", "A", "JViE5vDor0Sw3WllZka15Q==\x00"} {
		_, err := contracts.NewSecret(bad).Key()
		if assert.Error(t, err, "%q", bad) && len(bad) > 2 {
			assert.NotContains(t, err.Error(), bad, "the error does not quote the secret")
		}
	}
}
