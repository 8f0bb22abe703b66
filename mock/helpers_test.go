package mock_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// api sends signed requests to a mock served on loopback.
type api struct {
	t      testing.TB
	url    string
	cred   contracts.Credentials
	client *http.Client
}

// serve starts a mock on 127.0.0.1 for the test and returns a client of it.
func serve(t testing.TB, cfg mock.Config) api {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := mock.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		cancel()
		_ = r.Close()
	})
	cred := mock.DefaultCredentials()
	if len(cfg.Credentials) > 0 {
		cred = cfg.Credentials[0]
	}
	return api{t: t, url: r.URL, cred: cred, client: &http.Client{Timeout: 10 * time.Second}}
}

// request builds a request; a non-empty body is sent as application/json.
func (a api) request(method, path, body string) *http.Request {
	a.t.Helper()
	req, err := http.NewRequest(method, a.url+path, strings.NewReader(body))
	require.NoError(a.t, err)
	if body != "" || method == http.MethodPost || method == http.MethodPut {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// signed builds a request signed with the mock's credentials, now.
func (a api) signed(method, path, body string) *http.Request {
	a.t.Helper()
	req := a.request(method, path, body)
	require.NoError(a.t, contracts.SignRequest(req, []byte(body), a.cred, time.Now()))
	return req
}

// do sends req and returns the status, the headers and the body.
func (a api) do(req *http.Request) (int, http.Header, []byte) {
	a.t.Helper()
	resp, err := a.client.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	return resp.StatusCode, resp.Header, b
}

// call sends a signed request and decodes a 2xx JSON answer into a map; it
// fails the test on another status.
func (a api) call(method, path, body string) map[string]any {
	a.t.Helper()
	status, _, b := a.do(a.signed(method, path, body))
	require.Equal(a.t, http.StatusOK, status, "%s %s: %s", method, path, b)
	var m map[string]any
	require.NoError(a.t, json.Unmarshal(b, &m))
	return m
}

// apiError sends req and parses the answer as an error.
func (a api) apiError(req *http.Request) *contracts.APIError {
	a.t.Helper()
	resp, err := a.client.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	return contracts.ParseError(resp)
}

// start starts a verification and returns its id.
func (a api) start(number, method string) string {
	a.t.Helper()
	m := a.call(http.MethodPost, "/verification/v1/verifications", startBody(number, method, ""))
	id, ok := m["id"].(string)
	require.True(a.t, ok, "start answered no id: %v", m)
	return id
}

func startBody(number, method, reference string) string {
	b := fmt.Sprintf(`{"identity":{"type":"number","endpoint":%q},"method":%q`, number, method)
	if reference != "" {
		b += fmt.Sprintf(`,"reference":%q`, reference)
	}
	return b + "}"
}

func reportBody(method, code string) string {
	if method == "flashcall" {
		return fmt.Sprintf(`{"method":"flashcall","flashCall":{"cli":%q}}`, code)
	}
	return fmt.Sprintf(`{"method":%q,%q:{"code":%q}}`, method, method, code)
}

// numbers hands out distinct drama numbers (+44 7700 900xxx and beyond),
// skipping the catalog's magic values, so that tests never meet the
// velocity limit by accident.
type numbers struct{ n atomic.Int64 }

func (ns *numbers) next() string {
	for {
		n := fmt.Sprintf("+4477009%05d", 10000+ns.n.Add(1))
		if _, magic := contracts.DefaultCatalog().ByMagic(n); !magic {
			return n
		}
	}
}

// atomicTime is a clock a test moves by hand.
type atomicTime struct{ ns atomic.Int64 }

func (c *atomicTime) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *atomicTime) get() time.Time  { return time.Unix(0, c.ns.Load()) }
