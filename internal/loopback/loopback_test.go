package loopback

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"127.0.0.1":             true,
		"127.8.9.10":            true,
		"::1":                   true,
		"[::1]":                 true,
		"::ffff:127.0.0.1":      true,
		"localhost":             true,
		"LocalHost":             true,
		"":                      false,
		"127.1":                 false,
		"localhost.example.com": false,
		"example.test":          false,
		"10.0.0.1":              false,
		"0.0.0.0":               false,
		"::":                    false,
		"::ffff:10.0.0.1":       false,
		"127.0.0.1.nip.io":      false,
	} {
		assert.Equal(t, want, Host(host), "Host(%q)", host)
	}
}

func TestAddr(t *testing.T) {
	t.Parallel()
	assert.True(t, Addr(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
	assert.True(t, Addr(&net.TCPAddr{IP: net.IPv6loopback, Port: 1}))
	assert.False(t, Addr(&net.TCPAddr{IP: net.IPv4zero, Port: 8080}))
	assert.False(t, Addr(&net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 1}))
	assert.False(t, Addr(nil))
}

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	u, err := ParseBaseURL("--upstream", "http://127.0.0.1:9/")
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9", u.String())
	assert.True(t, URL(u))

	// A string prefix would call this loopback: its host is example.test.
	_, err = ParseBaseURL("--upstream", "http://127.0.0.1@example.test:9")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "example.test", "a URL with user info is never echoed")

	u, err = ParseBaseURL("--upstream", "http://localhost.example.test:9")
	require.NoError(t, err)
	assert.False(t, URL(u))

	for _, raw := range []string{
		"https://key:topsecret@verification.api.example.test",
		"http://key:top%zzsecret@127.0.0.1:9", // does not parse, holds an @
	} {
		_, err := ParseBaseURL("--upstream", raw)
		require.Error(t, err, raw)
		assert.NotContains(t, err.Error(), "topsecret", raw)
		assert.Contains(t, err.Error(), "--upstream", raw)
	}
	for _, raw := range []string{"ftp://127.0.0.1", "http://", "http://:80", "127.0.0.1:8080", "http://127.0.0.1/?a=1", "http://127.0.0.1/#x", "http://127.0.0.1/?"} {
		_, err := ParseBaseURL("--target", raw)
		assert.Error(t, err, raw)
	}
}
