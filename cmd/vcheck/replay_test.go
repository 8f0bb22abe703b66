package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/runner"
)

// jsonReport is the JSON report as a test reads it: the cases' findings
// and the summary.
type jsonReport struct {
	Cases []struct {
		Family   string `json:"family"`
		Findings []struct {
			Check string `json:"check"`
			Code  int    `json:"code"`
		} `json:"findings"`
	} `json:"cases"`
	Summary runner.Summary `json:"summary"`
}

func readReport(t *testing.T, path string) jsonReport {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var r jsonReport
	require.NoError(t, json.Unmarshal(b, &r), path)
	return r
}

// shellWords splits a line as a POSIX shell would split what shellQuote
// writes: words separated by spaces, single-quoted runs taken verbatim.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for i := 0; i < len(line); i++ {
		switch ch := line[i]; {
		case quoted && ch == '\'':
			quoted = false
		case quoted:
			w.WriteByte(ch)
		case ch == '\'':
			quoted, in = true, true
		case ch == ' ':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case ch == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			in = true
		default:
			w.WriteByte(ch)
			in = true
		}
	}
	require.False(t, quoted, "unterminated quote in %q", line)
	if in {
		words = append(words, w.String())
	}
	return words
}

// TestReplay_everyPrintedLineReproduces runs drifted runs, embedded and
// against a --target mock with --mock-magic, and replays every --replay
// line they print, as printed (credentials apart, which a line never
// carries): each must exit 1 with its case failing the group's check.
func TestReplay_everyPrintedLineReproduces(t *testing.T) {
	t.Parallel()
	creds := []string{"--key", mock.DefaultCredentials().Key, "--secret", mock.DefaultCredentials().Secret.Reveal()}
	rows := []struct {
		drift string
		extra []string
	}{
		{"wrong-status-string", nil},
		{"empty-message", nil},
		{"accept-bad-signature", nil},
		{"wrong-code", []string{"--errata", "strict"}},
	}
	for _, row := range rows {
		for _, remote := range []bool{false, true} {
			name := row.drift + "/embedded"
			if remote {
				name = row.drift + "/target"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				args := []string{"run", "--seed", "7", "--cases", "2", "--max-findings", "100000"} // every group printed, so every line is replayed
				args = append(args, row.extra...)
				// A replayed stateful case (a start, then a report) meets
				// the state the run left, the velocity window first: each
				// replay gets a fresh mock at the same URL, as a sandbox is
				// once the window has passed.
				var current atomic.Pointer[mock.Server]
				fresh := func() {
					m, err := mock.New(mock.Config{Drift: row.drift})
					require.NoError(t, err)
					current.Store(m)
				}
				if remote {
					fresh()
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						current.Load().ServeHTTP(w, r)
					}))
					t.Cleanup(srv.Close)
					args = append(args, "--target", srv.URL, "--mock-magic")
					args = append(args, creds...)
				} else {
					args = append(args, "--drift", row.drift)
				}
				dir := t.TempDir()
				first := filepath.Join(dir, "run.json")
				code, stdout, stderr := cli(t, "", append(args, "--json", first)...)
				require.Equal(t, exitBroken, code, "the drifted run; stderr: %s", stderr)
				run := readReport(t, first)
				require.NotEmpty(t, run.Summary.Groups)

				for _, g := range run.Summary.Groups {
					line := g.Example.Replay
					require.NotEmpty(t, line, "group %d %s has no replay line", g.Code, g.Check)
					assert.Contains(t, stdout, line, "the printed report shows the replay line")
					assert.NotContains(t, line, "--secret")
					assert.NotContains(t, line, "--key")
					words := shellWords(t, line)
					require.Equal(t, "vcheck", words[0], line)
					replayed := filepath.Join(dir, "replay.json")
					rargs := append(words[1:], "--json", replayed)
					if remote {
						rargs = append(rargs, creds...)
						fresh()
					}
					code, _, stderr := cli(t, "", rargs...)
					if !assert.Equal(t, exitBroken, code, "%s\nstderr: %s", line, stderr) {
						continue
					}
					r := readReport(t, replayed)
					require.Len(t, r.Cases, 1, line)
					assert.Equal(t, g.Family, r.Cases[0].Family, line)
					assert.True(t, slices.ContainsFunc(r.Cases[0].Findings, func(f struct {
						Check string `json:"check"`
						Code  int    `json:"code"`
					}) bool {
						return f.Check == g.Check
					}), "%s: the replayed case does not fail %s", line, g.Check)
				}
			})
		}
	}
}
