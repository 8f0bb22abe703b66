package kit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// TestMain turns the test binary into a fake adapter when asked: a plain
// HTTP client that reads errorCode itself (no SDK, so nothing is raw).
func TestMain(m *testing.M) {
	switch os.Getenv("VCHECK_FAKE_ADAPTER") {
	case "1":
		fakeAdapter()
		return
	case "leaky":
		leakyAdapter()
		return
	case "silent":
		// Never a capabilities line: reads its stdin until the kit gives up.
		_, _ = io.Copy(io.Discard, os.Stdin)
		return
	case "exit":
		os.Exit(4)
	}
	os.Exit(m.Run())
}

func fakeAdapter() {
	// VCHECK_FAKE_ONCE names a file: the first process creates it, a
	// restarted one finds it and falls silent (a restart that fails).
	if once := os.Getenv("VCHECK_FAKE_ONCE"); once != "" {
		if _, err := os.Stat(once); err == nil {
			_, _ = io.Copy(io.Discard, os.Stdin)
			return
		}
		_ = os.WriteFile(once, nil, 0o600)
	}
	fmt.Println(`{"sdk":"fake","version":"0","supports":{"retry":false,"timeout":true}}`)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var line scenarioLine
		_ = json.Unmarshal(sc.Bytes(), &line)
		if on := os.Getenv("VCHECK_FAKE_ON"); on == line.ID || on == "*" {
			misbehave(os.Getenv("VCHECK_FAKE_FAULT"), line)
		}
		obs := Observation{ID: line.ID}
		c := &http.Client{Timeout: time.Duration(line.TimeoutMS) * time.Millisecond}
		resp, err := c.Get(line.BaseURL + "/verification/v1/verifications/id/1")
		switch {
		case err != nil && os.IsTimeout(err):
			obs.Result = OutcomeTimeout
		case err != nil:
			obs.Result = OutcomeTransportError
		case resp.StatusCode < 300:
			obs.Result = OutcomeSuccess
		default:
			b, _ := io.ReadAll(resp.Body)
			obs.Result, obs.Status = OutcomeAPIError, resp.StatusCode
			if e := contracts.ParseErrorBody(b); e.Code != 0 {
				obs.Error = map[string]any{"errorCode": e.Code, "message": e.Message}
			}
		}
		if resp != nil {
			resp.Body.Close()
		}
		out, _ := json.Marshal(obs)
		fmt.Println(string(out))
	}
}

// misbehave breaks the protocol one way on the fake adapter's scenario;
// the ways that keep running go on to print a valid observation after.
func misbehave(fault string, line scenarioLine) {
	switch fault {
	case "hang":
		select {}
	case "crash":
		fmt.Fprintln(os.Stderr, "fake: crashing with "+line.Secret)
		os.Exit(3)
	case "garbage":
		fmt.Println("panic: oops, signing with " + line.Secret + " " + strings.Repeat("é", 200))
	case "wrong-id":
		fmt.Println(`{"id":"surface.other","result":"success"}`)
	case "wrong-type":
		fmt.Printf(`{"id":%q,"result":"api_error","status":"404"}`+"\n", line.ID)
	case "wrong-result":
		fmt.Printf(`{"id":%q,"result":"ok"}`+"\n", line.ID)
	case "no-id":
		fmt.Println(`{"result":"success"}`)
	case "close-stdout":
		_ = os.Stdout.Close()
		select {}
	}
}

func TestLoad_embeddedKit(t *testing.T) {
	t.Parallel()
	k, err := Load()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(k.Scenarios), 26)
	groups, levels := map[Group]int{}, map[Level]int{}
	for _, s := range k.Scenarios {
		groups[s.Group]++
		levels[s.Level]++
	}
	for _, g := range Groups() {
		assert.Positive(t, groups[g], g)
	}
	for _, l := range []Level{LevelMust, LevelShould, LevelInfo} {
		assert.Positive(t, levels[l], l)
	}
	for _, id := range []string{"surface.40005", "retry.no-4xx", "retry.503-twice", "retry.lost-start", "time.hang", "body.html-502", "body.empty-503", "body.2xx-notjson", "auth.redirect-cross-host"} {
		_, ok := k.Scenario(id)
		assert.True(t, ok, id)
	}
}

// TestGroups_isTheCallersCopy: changing what Groups returns changes
// neither the next call nor what Parse accepts.
func TestGroups_isTheCallersCopy(t *testing.T) {
	t.Parallel()
	want := []Group{GroupSurface, GroupRetry, GroupTime, GroupBody, GroupAuth}
	g := Groups()
	require.Equal(t, want, g)
	g[0] = "changed"
	slices.Reverse(g)
	assert.Equal(t, want, Groups())
	_, err := Load()
	assert.NoError(t, err, "the surface scenarios still load")
}

func TestParse_badKitNamesTheScenario(t *testing.T) {
	t.Parallel()
	good := string(fixtures.SDKKit())
	for _, tc := range []struct{ from, to, want string }{
		{`"level": "must"`, `"level": "sometimes"`, `level: "sometimes"`},
		{`=> sinch(40102)`, `=> sinch(4010)`, `surface.40102): rules[0]: rule`},
		{`"operation": "status_by_id"`, `"operation": "fly"`, `operation: "fly"`},
		{`"id": "auth.`, `"id": "fly.`, `id: want auth.NAME`},
		{"\"auth.redirect-cross-host\",\n      \"group\": \"auth\"", "\"fly.redirect-cross-host\",\n      \"group\": \"fly\"", `group: "fly": want one of surface, retry, time, body, auth`},
	} {
		_, err := Parse([]byte(strings.Replace(good, tc.from, tc.to, 1)))
		require.Error(t, err, tc.to)
		assert.Contains(t, err.Error(), tc.want)
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	k, err := Load()
	require.NoError(t, err)
	s, err := k.Select([]string{"time", "surface.40005", "body.2xx-*"})
	require.NoError(t, err)
	assert.Len(t, s, 3+1+2)
	_, err = k.Select([]string{"surface.nope"})
	assert.ErrorContains(t, err, `unknown scenario "surface.nope"`)
}

func TestRun_fakeAdapterThroughTheProxy(t *testing.T) {
	t.Parallel()
	up, k, exe := fakeAdapterSetup(t)
	var stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := Run(ctx, k, Options{
		Upstream: up.URL, Adapter: []string{exe}, Env: []string{"VCHECK_FAKE_ADAPTER=1"}, Stderr: &stderr, Timeout: 300 * time.Millisecond, MaxHang: time.Second,
		Only:         []string{"surface.50000", "retry.no-4xx", "body.2xx-notjson", "retry.503-twice", "time.hang", "surface.40400"},
		KnownFailing: map[string]string{"body.2xx-notjson": "reads any 200 as success"},
	})
	require.NoError(t, err, stderr.String())
	cells := map[string]Cell{}
	for _, r := range rep.Results {
		cells[r.ID] = r.Verdict.Cell
	}
	assert.Equal(t, map[string]Cell{
		"surface.50000":    CellPass,
		"retry.no-4xx":     CellPass,
		"body.2xx-notjson": CellFail,
		"retry.503-twice":  CellNA,
		"time.hang":        CellPass,
		"surface.40400":    CellPass,
	}, cells, "%+v", rep.Results)
	assert.Empty(t, rep.Summary.Failing, "a known failure does not fail the run")
	assert.Equal(t, 5, rep.Summary.Exercised)

	dir := t.TempDir()
	var md, junit bytes.Buffer
	require.NoError(t, rep.WriteMarkdown(&md))
	require.NoError(t, rep.WriteJUnit(&junit))
	assert.Contains(t, md.String(), "| `body.2xx-notjson` | must |")
	assert.Contains(t, md.String(), "✗ (known)")
	assert.Contains(t, junit.String(), `classname="vcheck.kit.surface" name="50000"`)
	path := filepath.Join(dir, "fake.json")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, rep.WriteJSON(f))
	require.NoError(t, f.Close())
	back, err := ReadReport(path)
	require.NoError(t, err)
	var matrix bytes.Buffer
	require.NoError(t, WriteMatrix(&matrix, []*Report{back, rep}))
	assert.Contains(t, matrix.String(), "| `time.hang` | must | ✓ | ✓ |")
}

func TestExport(t *testing.T) {
	t.Parallel()
	k, err := Load()
	require.NoError(t, err)
	var g bytes.Buffer
	require.NoError(t, k.WriteGherkin(&g))
	assert.Contains(t, g.String(), "Feature: SDK error handling: surface")
	assert.Contains(t, g.String(), "Scenario: body.2xx-notjson")
	assert.Equal(t, len(k.Scenarios), strings.Count(g.String(), "  Scenario: "))
	vs := k.Vectors()
	require.NotEmpty(t, vs)
	for _, v := range vs {
		if v.ID == "surface.50000" {
			golden, _ := fixtures.Golden(50000)
			assert.Equal(t, string(golden), v.Body)
			assert.Equal(t, 500, v.Status)
		}
	}
}

// leakyAdapter puts the secret it is handed everywhere a careless SDK
// could: in every header position, the query, the path, the body, its
// observation and its stderr.
func leakyAdapter() {
	fmt.Println(`{"sdk":"leaky","version":"0","supports":{"retry":false,"timeout":true}}`)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var line scenarioLine
		_ = json.Unmarshal(sc.Bytes(), &line)
		basic := base64.StdEncoding.EncodeToString([]byte(line.Key + ":" + line.Secret))
		c := &http.Client{Timeout: time.Duration(line.TimeoutMS) * time.Millisecond}
		for _, h := range []map[string]string{
			{"Authorization": "Application " + line.Secret + ":c2ln"},
			{"Authorization": line.Secret},
			{"Authorization": "Basic " + basic},
			{"X-Timestamp": line.Secret},
			{"Host": line.Secret},
			{"X-Leak": line.Secret},
		} {
			req, _ := http.NewRequest("GET", line.BaseURL+"/verification/v1/verifications/id/"+line.Secret+"?k="+line.Secret, strings.NewReader(line.Secret))
			for k, v := range h {
				if k == "Host" {
					req.Host = v
				} else {
					req.Header.Set(k, v)
				}
			}
			if resp, err := c.Do(req); err == nil {
				resp.Body.Close()
			}
		}
		fmt.Fprintf(os.Stderr, "leaky: signing with %s (%s)\n", line.Secret, basic)
		obs := Observation{ID: line.ID, Result: OutcomeAPIError, Status: 404,
			Error: map[string]any{"errorCode": 40400, "message": "sent " + line.Secret + " as Basic " + basic}}
		out, _ := json.Marshal(obs)
		fmt.Println(string(out))
	}
}

// TestRun_reportsNeverHoldTheSecret runs the leaky adapter and greps the
// JSON, Markdown and JUnit reports and the adapter's stderr for every form
// of the secret.
func TestRun_reportsNeverHoldTheSecret(t *testing.T) {
	t.Parallel()
	cred := contracts.Credentials{Key: "kit-test-key", Secret: contracts.NewSecret("a2l0IHRlc3Qgc2VjcmV0")} // base64("kit test secret")
	up, k, exe := fakeAdapterSetup(t)
	var stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := Run(ctx, k, Options{
		Upstream: up.URL, Credentials: cred, Adapter: []string{exe}, Env: []string{"VCHECK_FAKE_ADAPTER=leaky"}, Stderr: &stderr,
		Timeout: 300 * time.Millisecond, MaxHang: time.Second, Only: []string{"surface.40400", "auth.redirect-cross-host"},
	})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Results[0].Attempts)
	outputs := map[string]*bytes.Buffer{"stderr": &stderr, "json": {}, "markdown": {}, "junit": {}}
	require.NoError(t, rep.WriteJSON(outputs["json"]))
	require.NoError(t, rep.WriteMarkdown(outputs["markdown"]))
	require.NoError(t, rep.WriteJUnit(outputs["junit"]))
	assert.Contains(t, stderr.String(), "leaky: signing with REDACTED")
	sec := cred.Secret.Reveal()
	basic := base64.StdEncoding.EncodeToString([]byte(cred.Key + ":" + sec))
	key, err := cred.Secret.Key()
	require.NoError(t, err)
	for where, out := range outputs {
		for _, form := range []string{sec, basic, string(key), "Application " + sec} {
			assert.NotContains(t, out.String(), form, "%s shows a secret form", where)
		}
	}
}
