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
	require.NoError(t, contracts.SignRequest(req, []byte(body), mock.DefaultCredentials, time.Now()))
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
