package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// served is a `vcheck serve` running in-process.
type served struct {
	url    string
	banner string
	cancel context.CancelFunc
	code   chan int
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `vcheck serve --addr 127.0.0.1:0 ARGS` and waits for its
// banner; the rest of its output is drained until it stops.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &served{cancel: cancel, code: make(chan int, 1), stderr: &syncBuffer{}}
	go func() {
		s.code <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, s.stderr)
		pw.Close()
	}()
	ready := make(chan string, 1)
	go func() {
		var banner strings.Builder
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			banner.WriteString(sc.Text() + "\n")
			if !sent && strings.HasPrefix(sc.Text(), "ready") {
				ready <- banner.String()
				sent = true
			}
		}
		if !sent {
			ready <- banner.String()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-s.code
	})
	select {
	case s.banner = <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("vcheck serve printed no banner")
	}
	for _, line := range strings.Split(s.banner, "\n") {
		if rest, ok := strings.CutPrefix(line, "listening on "); ok {
			s.url, _, _ = strings.Cut(rest, " ")
		}
	}
	require.NotEmpty(t, s.url, "no URL in the banner:\n%s\nstderr: %s", s.banner, s.stderr)
	return s
}

func TestServe_servesUntilCancelled(t *testing.T) {
	t.Parallel()
	s := startServe(t)
	assert.True(t, strings.HasPrefix(s.url, "http://127.0.0.1:"), s.url)
	assert.Contains(t, s.banner, "application key:    "+mock.DefaultCredentials().Key)
	assert.Contains(t, s.banner, mock.DefaultCredentials().Secret.Reveal(), "the built-in test secret is public")
	assert.Contains(t, s.banner, "verification code: "+mock.Code)
	for _, spec := range contracts.DefaultCatalog().Errors() {
		if spec.Magic != "" {
			assert.Contains(t, s.banner, spec.Magic, "magic number of %d", spec.Code)
		}
	}

	req, err := http.NewRequest(http.MethodGet, s.url+"/verification/v1/verifications/id/unknown", nil)
	require.NoError(t, err)
	require.NoError(t, contracts.SignRequest(req, nil, mock.DefaultCredentials(), time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	e := contracts.ParseError(resp)
	resp.Body.Close()
	assert.Equal(t, 40400, e.Code, "%s", e.Raw)

	for _, spec := range contracts.DefaultCatalog().Errors() {
		if spec.Magic == "" {
			continue
		}
		body := `{"identity":{"type":"number","endpoint":"` + spec.Magic + `"},"method":"sms"}`
		req, err := http.NewRequest(http.MethodPost, s.url+"/verification/v1/verifications", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		require.NoError(t, contracts.SignRequest(req, []byte(body), mock.DefaultCredentials(), time.Now()))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		e := contracts.ParseError(resp)
		resp.Body.Close()
		assert.Equal(t, spec.Code, e.Code, "the magic number %s", spec.Magic)
		assert.Equal(t, spec.HTTPStatus, e.HTTPStatus, "the magic number %s", spec.Magic)
	}

	s.cancel()
	select {
	case code := <-s.code:
		assert.Equal(t, exitOK, code, "stderr: %s", s.stderr)
		s.code <- code // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("vcheck serve did not stop when its context was cancelled")
	}
	_, err = http.Get(s.url + "/")
	assert.Error(t, err, "nothing listens any more")
	assert.Empty(t, s.stderr.String())
}

func TestServe_ownCredentialsAreNotPrinted(t *testing.T) {
	t.Parallel()
	const secret = "c2VjcmV0LW9mLXRoZS11c2Vy" // base64("secret-of-the-user")
	s := startServe(t, "--key", "my-key", "--secret", secret, "--drift", "wrong-code", "--velocity", "1s")
	assert.Contains(t, s.banner, "my-key")
	assert.NotContains(t, s.banner, secret)
	assert.NotContains(t, s.banner, mock.DefaultCredentials().Secret.Reveal())
	assert.Contains(t, s.banner, "DRIFT wrong-code")
	assert.Contains(t, s.banner, "within 1s is 42901")

	body := `{"identity":{"type":"number","endpoint":"447700900123"},"method":"sms"}`
	req, err := http.NewRequest(http.MethodPost, s.url+"/verification/v1/verifications", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, contracts.SignRequest(req, []byte(body), contracts.Credentials{Key: "my-key", Secret: contracts.NewSecret(secret)}, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	e := contracts.ParseError(resp)
	resp.Body.Close()
	assert.Equal(t, 40002, e.Code, "the drift is on: %s", e.Raw)
}

func TestServe_credentialsFromTheEnvironment(t *testing.T) {
	const secret = "ZW52LXNlY3JldA==" // base64("env-secret")
	t.Setenv("SINCH_APPLICATION_KEY", "env-key")
	t.Setenv("SINCH_APPLICATION_SECRET", secret)
	s := startServe(t)
	assert.Contains(t, s.banner, "env-key")
	assert.NotContains(t, s.banner, secret)
}

func TestServe_driftList(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "", "serve", "--drift", "list")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	require.Len(t, lines, len(mock.Drifts()))
	for i, d := range mock.Drifts() {
		assert.True(t, strings.HasPrefix(lines[i], d.Name+" "), lines[i])
		assert.Contains(t, lines[i], d.Description)
	}
}

func TestServe_usageErrors(t *testing.T) {
	t.Parallel()
	rows := []struct {
		args []string
		want string
	}{
		{[]string{"--drift", "nope"}, "wrong-code, code-as-string"},
		{[]string{"--skew", "0s"}, "--skew"},
		{[]string{"--velocity", "-1s"}, "--velocity"},
		{[]string{"--slow-delay", "0s"}, "--slow-delay"},
		{[]string{"--key", "k"}, "--key without --secret"},
		{[]string{"--secret", "c2VjcmV0"}, "--secret without --key"},
		{[]string{"--key", "k", "--secret", "*secret*"}, "--secret: application secret is not base64"},
		{[]string{"--key", "a:b", "--secret", "c2VjcmV0"}, "no colon"},
		{[]string{"--catalog", "/no/such/catalog.json"}, "--catalog"},
		{[]string{"--addr", "127.0.0.1:99999"}, "--addr"},
		{[]string{"extra"}, "unexpected argument"},
	}
	for _, row := range rows {
		code, stdout, stderr := cli(t, "", append([]string{"serve", "--addr", "127.0.0.1:0"}, row.args...)...)
		assert.Equal(t, exitUsage, code, "%v", row.args)
		assert.Contains(t, stderr, row.want, "%v", row.args)
		assert.NotContains(t, stderr, "*secret*", "a secret is never echoed")
		assert.Empty(t, stdout, "%v: nothing served", row.args)
	}
}
