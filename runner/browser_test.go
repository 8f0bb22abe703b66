//go:build unix

package runner

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumPath finds a headless-capable Chromium: VCHECK_CHROMIUM, then
// Debian's chromium, then the names other distributions and CI images use.
// Without one the test skips, except under CI=true, where a missing
// browser is a broken CI setup and must not pass unnoticed.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("VCHECK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found under CI=true; apt-get install chromium (.ci/run does)")
	}
	t.Skip("chromium not found; apt-get install chromium")
	return ""
}

// chromium runs one headless Chromium with a fresh profile on a file://
// URL and returns its stdout. The whole process group is killed when the
// context ends, so a hung browser fails the test instead of hanging it.
func chromium(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}, args...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "chromium did not finish within 60 s; stderr:\n%s", stderr.String())
	require.NoError(t, err, "chromium failed; stderr:\n%s", stderr.String())
	// Leave no browser behind even when it exited with children alive.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	return stdout.Bytes()
}

// screenshotDir is where the pages and their screenshots go: CI sets
// VCHECK_SCREENSHOT_DIR and keeps the directory as an artifact.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("VCHECK_SCREENSHOT_DIR"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		abs, err := filepath.Abs(d)
		require.NoError(t, err)
		return abs
	}
	return t.TempDir()
}

var (
	domVerdict = regexp.MustCompile(`(?s)<header id="verdict" class="v-(\w+)" data-verdict="(\w*)">.*?<h1 class="word">([^<]*)</h1>`)
	domCell    = regexp.MustCompile(`(?s)class="cell (\w+)" id="code-(\d+)" data-state="([^"]+)"[^>]*>\s*<span class="sym">([^<]+)</span>`)
	domReplay  = regexp.MustCompile(`<pre class="cmd replay">([^<]*)</pre>`)
)

// TestBrowser_rendersTheHTMLReport renders the reports of two real runs
// against the embedded mock, one broken by a drift and one passing, in
// headless Chromium: the rendered DOM has the verdict, one grid cell per
// documented code in its state, and the finding's replay line, and the
// screenshot shows the verdict's colour where a person looks first.
func TestBrowser_rendersTheHTMLReport(t *testing.T) {
	t.Parallel()
	bin := chromiumPath(t)
	dir := screenshotDir(t)
	for _, row := range []struct {
		name, drift string
		skip        []int
		verdict     Verdict
		word        string
		banner      color.RGBA // the verdict's background (html.tmpl)
	}{
		// One code broken, one left out: the grid shows three states.
		{"broken", "accept-bad-signature", []int{42900}, VerdictBroken, "CONTRACT BROKEN", color.RGBA{0xff, 0xeb, 0xe9, 0xff}},
		// wrong-code sides with erratum 1's published example, which the
		// default policy accepts and records: a pass with an observation.
		{"pass", "wrong-code", nil, VerdictPass, "PASS", color.RGBA{0xda, 0xfb, 0xe1, 0xff}},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			page := filepath.Join(dir, "report-"+row.name+".html")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			s, err := Run(ctx, Options{Drift: row.drift, Skip: row.skip, Cases: 2, Seed: 3, Version: "browser-test"}, HTMLFile(page, nil))
			require.NoError(t, err)
			require.Equal(t, row.verdict, s.Verdict, s.Reason)

			dom := string(chromium(t, bin, page, "--dump-dom"))
			require.Contains(t, dom, "<tbody>", "the DOM is the browser's (it adds tbody), not the file echoed")
			m := domVerdict.FindStringSubmatch(dom)
			require.NotNil(t, m, "the verdict element is rendered:\n%s", dom)
			assert.Equal(t, []string{row.name, string(row.verdict), row.word}, m[1:])

			cells := domCell.FindAllStringSubmatch(dom, -1)
			require.Len(t, cells, len(s.Coverage), "one grid cell per documented code")
			symbol := map[string]string{CoveragePassed: "✓", CoverageFailed: "✗", CoverageNotExercised: "–", CoverageNotTriggerable: "N/T"}
			for i, c := range s.Coverage {
				assert.Equal(t, []string{c.State, symbol[c.State]}, []string{cells[i][3], cells[i][4]}, "code %d", c.Code)
				assert.Equal(t, strconv.Itoa(c.Code), cells[i][2])
			}

			replays := domReplay.FindAllStringSubmatch(dom, -1)
			if row.verdict == VerdictBroken {
				require.NotEmpty(t, s.Groups)
				require.NotEmpty(t, replays, "a finding's replay line is rendered")
				assert.Equal(t, s.Groups[0].Example.Replay, htmlUnescape(replays[0][1]))
				assert.Contains(t, dom, `class="cell failed"`)
			} else {
				assert.Empty(t, replays)
				assert.NotContains(t, dom, `class="cell failed"`)
				require.NotEmpty(t, s.Observations)
				assert.Contains(t, dom, `<tr class="erratum" data-erratum="1"><td>1</td>`, "how the target resolved erratum 1")
			}

			shot := filepath.Join(dir, "report-"+row.name+".png")
			chromium(t, bin, page, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")
			f, err := os.Open(shot)
			require.NoError(t, err)
			defer f.Close()
			img, err := png.Decode(f)
			require.NoError(t, err)
			assert.Equal(t, image.Rect(0, 0, 1280, 2000), img.Bounds())
			assert.Greater(t, countColour(img, image.Rect(0, 0, 1280, 160), row.banner), 20000,
				"the verdict's colour fills the banner at the top of the page (%s)", shot)
			t.Logf("screenshot %s", shot)
		})
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&").Replace(s)
}

// countColour counts the pixels of r within a small distance of c.
func countColour(img image.Image, r image.Rectangle, c color.RGBA) int {
	n := 0
	near := func(a uint32, b uint8) bool { d := int(a>>8) - int(b); return d > -4 && d < 4 }
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr, c.R) && near(pg, c.G) && near(pb, c.B) {
				n++
			}
		}
	}
	return n
}
