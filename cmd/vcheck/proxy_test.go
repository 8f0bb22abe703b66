package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// proxyOutput is a bytes.Buffer safe to read while the command writes.
type proxyOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *proxyOutput) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *proxyOutput) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestProxy_badRuleNamesIt(t *testing.T) {
	t.Parallel()
	code, _, stderr := cli(t, "", "proxy", "--addr", "127.0.0.1:0", "--rule", "flaky: GET /x => sinch(99999)")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `--rule #1: rule "flaky": column 24`)
	code, _, stderr = cli(t, "", "proxy", "--upstream", "ftp://x")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--upstream")
}

// TestProxy_upstreamWithCredentialsIsRefusedUnechoed: a URL with user info
// would be printed by the banner and every record; it is refused, and
// neither the key nor the secret appears in what the proxy prints.
func TestProxy_upstreamWithCredentialsIsRefusedUnechoed(t *testing.T) {
	t.Parallel()
	for _, up := range []string{"https://key1:topsecret@verification.example.test", "http://key1:topsecret@127.0.0.1:9", "http://key1:top%zzsecret@127.0.0.1:9"} {
		code, stdout, stderr := cli(t, "", "proxy", "--addr", "127.0.0.1:0", "--upstream", up)
		assert.Equal(t, exitUsage, code, up)
		assert.Contains(t, stderr, "--upstream", up)
		for _, s := range []string{"topsecret", "top%zzsecret", "key1"} {
			assert.NotContains(t, stdout+stderr, s, up)
		}
	}
}

func TestProxy_servesRulesInFrontOfTheEmbeddedMock(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var errOut proxyOutput
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"proxy", "--addr", "127.0.0.1:0", "--rule", "GET /verification/v1/verifications/id/* => sinch(50300) times=1"}, strings.NewReader(""), io.Discard, &errOut)
	}()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(errOut.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}, 10*time.Second, 10*time.Millisecond)
	c := &http.Client{Timeout: 5 * time.Second}
	var got []int
	for range 2 {
		resp, err := c.Get(base + "/verification/v1/verifications/id/1")
		require.NoError(t, err)
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{503, 401}, got, "the rule once, then the mock (unsigned: 401)")

	// A signed start reaches the in-process mock, whose links name the
	// proxy: a client that follows them stays behind it.
	body := `{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms"}`
	req, err := http.NewRequest(http.MethodPost, base+"/verification/v1/verifications", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, contracts.SignRequest(req, []byte(body), mock.DefaultCredentials(), time.Now()))
	resp, err := c.Do(req)
	require.NoError(t, err)
	started, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(started))
	assert.Contains(t, string(started), `"href":"`+base+`/verification/v1/verifications/id/`)
	assert.Contains(t, errOut.String(), "seed ")
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(10 * time.Second):
		t.Fatal("vcheck proxy did not stop")
	}
}

// startProxy runs `vcheck proxy --addr 127.0.0.1:0 ARGS` until the test
// ends and returns its base URL and its output so far.
func startProxy(t *testing.T, args ...string) (base string, out func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, errOut proxyOutput
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"proxy", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), &stdout, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("vcheck proxy did not stop")
		}
	})
	out = func() string { return stdout.String() + errOut.String() }
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(errOut.String())
		if m != nil {
			base = m[1]
		}
		return m != nil || len(done) > 0
	}, 10*time.Second, 10*time.Millisecond)
	require.NotEmpty(t, base, out())
	return base, out
}

// signedStart sends a signed start through the proxy and returns its status.
func signedStart(t *testing.T, base string, cred contracts.Credentials) int {
	t.Helper()
	body := `{"identity":{"type":"number","endpoint":"+447700900123"},"method":"sms"}`
	req, err := http.NewRequest(http.MethodPost, base+"/verification/v1/verifications", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, contracts.SignRequest(req, []byte(body), cred, time.Now()))
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// proxyCred is an SDK author's own test application.
var proxyCred = contracts.Credentials{Key: "my-sdk-key", Secret: contracts.NewSecret("bXkgc2RrIHRlc3Qgc2VjcmV0")} // base64("my sdk test secret")

// assertNoSecret checks every form of cred's secret is absent from out.
func assertNoSecret(t *testing.T, out string, cred contracts.Credentials) {
	t.Helper()
	raw, err := cred.Secret.Key()
	require.NoError(t, err)
	for _, form := range []string{cred.Secret.Reveal(), string(raw)} {
		assert.NotContains(t, out, form)
	}
}

// TestProxy_takesTheSDKsCredentials: --key/--secret build the embedded
// mock, so an SDK's own test credentials are accepted through the proxy
// (and the built-in ones no longer are); the banner names the key only.
func TestProxy_takesTheSDKsCredentials(t *testing.T) {
	t.Parallel()
	base, out := startProxy(t, "--key", proxyCred.Key, "--secret", proxyCred.Secret.Reveal())
	assert.Equal(t, http.StatusOK, signedStart(t, base, proxyCred), out())
	assert.Equal(t, http.StatusUnauthorized, signedStart(t, base, mock.DefaultCredentials()), "the mock knows only the given application")
	assert.Contains(t, out(), "application key my-sdk-key (its secret is the one you gave; not shown)")
	assertNoSecret(t, out(), proxyCred)
}

// TestProxy_takesTheCredentialsFromTheEnvironment is not parallel: it
// sets the variables an SDK's test suite already exports.
func TestProxy_takesTheCredentialsFromTheEnvironment(t *testing.T) {
	t.Setenv("SINCH_APPLICATION_KEY", proxyCred.Key)
	t.Setenv("SINCH_APPLICATION_SECRET", proxyCred.Secret.Reveal())
	base, out := startProxy(t)
	assert.Equal(t, http.StatusOK, signedStart(t, base, proxyCred), out())
	assert.Contains(t, out(), "application key my-sdk-key (its secret is the one you gave; not shown)")
	assertNoSecret(t, out(), proxyCred)
}

// TestProxy_bannerNamesWhereTheTestSecretIsPrinted: with the built-in
// credentials the banner names the key and the exact line that prints the
// public test secret, and that line of vcheck serve does print it.
func TestProxy_bannerNamesWhereTheTestSecretIsPrinted(t *testing.T) {
	t.Parallel()
	base, out := startProxy(t)
	assert.Equal(t, http.StatusOK, signedStart(t, base, mock.DefaultCredentials()))
	assert.Contains(t, out(), `application key vcheck-test-key, vcheck's public test key (its secret: the "application secret:" line of vcheck serve;`)
	assertNoSecret(t, out(), mock.DefaultCredentials())
	s := startServe(t)
	assert.Contains(t, s.banner, "\n"+serveSecretLine+" "+mock.DefaultCredentials().Secret.Reveal()+" ", "the line the proxy's banner names")
}

// TestProxy_refusesCredentialsLikeServe: a secret that is not base64 or a
// key without its secret is refused with serve's words, never echoed.
func TestProxy_refusesCredentialsLikeServe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"secret not base64", []string{"--key", "k1", "--secret", "not*base64*topsecret"}, "--secret: "},
		{"key without secret", []string{"--key", "k1"}, "--key without --secret (or SINCH_APPLICATION_SECRET)"},
		{"secret without key", []string{"--secret", proxyCred.Secret.Reveal()}, "--secret without --key (or SINCH_APPLICATION_KEY)"},
		{"key with a colon", []string{"--key", "k:1", "--secret", proxyCred.Secret.Reveal()}, "an application key has no colon"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, "", append([]string{"proxy", "--addr", "127.0.0.1:0"}, tc.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tc.want)
			_, _, serveErr := cli(t, "", append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
			assert.Equal(t, strings.TrimPrefix(serveErr, "vcheck serve: "), strings.TrimPrefix(stderr, "vcheck proxy: "), "the words serve uses")
			assert.NotContains(t, stdout+stderr, "topsecret")
			assert.NotContains(t, stdout+stderr, proxyCred.Secret.Reveal())
		})
	}
}
