package proxy

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// leakForms are what must never show: the secret, base64 of key:secret
// and each Authorization value a leaky request sent.
func leakForms(t *testing.T, c contracts.Credentials) []string {
	t.Helper()
	sec := c.Secret.Reveal()
	basic := base64.StdEncoding.EncodeToString([]byte(c.Key + ":" + sec))
	key, err := c.Secret.Key()
	require.NoError(t, err)
	forms := []string{sec, basic, string(key), strings.TrimRight(sec, "=")}
	for _, h := range leakyRequests(c) {
		if v := h.header.Get("Authorization"); v != "" {
			forms = append(forms, v)
		}
	}
	return forms
}

type leaky struct {
	name   string
	path   string
	host   string
	header http.Header
	body   string
}

// leakyRequests carry the secret in every place a client can put it.
func leakyRequests(c contracts.Credentials) []leaky {
	sec := c.Secret.Reveal()
	basic := base64.StdEncoding.EncodeToString([]byte(c.Key + ":" + sec))
	return []leaky{
		{name: "swapped key and secret", path: "/x", header: http.Header{"Authorization": {"Application " + sec + ":c2lnbmF0dXJl"}}},
		{name: "whole Authorization", path: "/x", header: http.Header{"Authorization": {sec}}},
		{name: "scheme and secret", path: "/x", header: http.Header{"Authorization": {"Application " + sec}}},
		{name: "basic", path: "/x", header: http.Header{"Authorization": {"Basic " + basic}}},
		{name: "x-timestamp", path: "/x", header: http.Header{"X-Timestamp": {sec}}},
		{name: "host", path: "/x", host: sec},
		{name: "other header", path: "/x", header: http.Header{"X-Leak": {sec}}},
		{name: "query", path: "/x?k=" + sec},
		{name: "path", path: "/leak/" + sec},
		{name: "path percent-encoded", path: "/leak/" + strings.ReplaceAll(sec, "=", "%3D")},
		{name: "body", path: "/x", body: `{"secret":"` + sec + `"}`},
	}
}

func sendLeaky(t *testing.T, base string, l leaky) {
	t.Helper()
	var body io.Reader
	if l.body != "" {
		body = strings.NewReader(l.body)
	}
	req, err := http.NewRequest("PUT", base+l.path, body)
	require.NoError(t, err, l.name)
	for k, v := range l.header {
		req.Header[k] = v
	}
	if l.host != "" {
		req.Host = l.host
	}
	resp, err := client(5 * time.Second).Do(req)
	require.NoError(t, err, l.name)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
}

func adminGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := client(5 * time.Second).Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	return string(b)
}

// TestScrub_everyPlaceThatShowsAnAttempt sends the secret in every header
// position, the query, the path and the body, to the default port and to
// a session, and greps every output: the admin API's global and session
// answers, the record, and the attempts a kit report would hold.
func TestScrub_everyPlaceThatShowsAnAttempt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Config{}, `PUT /leak/... => sinch(40400)`)
	info, err := h.p.NewSession("", []Rule{mustParse(t, `PUT /x header:X-Leak => sinch(40001)`)})
	require.NoError(t, err)
	reqs := leakyRequests(testCred)
	for _, l := range reqs {
		sendLeaky(t, h.srv.URL, l)
		sendLeaky(t, info.BaseURL, l)
	}
	waitAttempts(t, h, len(reqs))
	outputs := map[string]string{
		"admin global":  adminGet(t, h.srv.URL+"/__vcheck/global"),
		"admin session": adminGet(t, h.srv.URL+"/__vcheck/sessions/"+info.ID),
	}
	end, ok := h.p.EndSession(info.ID)
	require.True(t, ok)
	require.Len(t, end.Attempts, len(reqs))
	endJSON, err := h.p.Scrubber().JSON(end)
	require.NoError(t, err)
	outputs["ended session"] = string(endJSON)
	outputs["record"] = h.record()
	require.Equal(t, 2*len(reqs), strings.Count(outputs["record"], "\n"))
	for where, text := range outputs {
		for _, form := range leakForms(t, testCred) {
			assert.NotContains(t, text, form, "%s shows a secret form", where)
		}
	}
	for _, a := range end.Attempts {
		if strings.HasPrefix(a.Auth, "Application ") && strings.Contains(a.Auth, ":") {
			assert.Equal(t, "Application REDACTED:REDACTED", a.Auth, "the key field of a swapped pair")
		}
	}
}

func TestScrub_keepsWhatIsMeantToShow(t *testing.T) {
	t.Parallel()
	s := NewScrubber([]contracts.Credentials{testCred})
	a := s.Attempt(Attempt{
		Host: "127.0.0.1:8081", Path: "/verification/v1/verifications/id/123", Auth: "Application " + testCred.Key + ":" + Redacted,
		Timestamp: "2024-05-06T07:08:09.123Z",
	})
	assert.Equal(t, "127.0.0.1:8081", a.Host)
	assert.Equal(t, "/verification/v1/verifications/id/123", a.Path)
	assert.Equal(t, "Application proxy-test-key:REDACTED", a.Auth)
	assert.Equal(t, "2024-05-06T07:08:09.123Z", a.Timestamp)
	uuid := "5f0c2b6e-1d3a-4c2b-9a8e-7b6c5d4e3f21"
	assert.Equal(t, "Application "+uuid+":REDACTED", NewScrubber(nil).Attempt(Attempt{Auth: "Application " + uuid + ":REDACTED"}).Auth)
	assert.Equal(t, "Application REDACTED:REDACTED", NewScrubber(nil).Attempt(Attempt{Auth: "Application c2VjcmV0:REDACTED"}).Auth, "an unknown key that is no application key")
}
