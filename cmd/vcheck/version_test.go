package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func vcsInfo(version, revision, when, modified string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/vcheck/vcheck", Version: version}}
	for k, v := range map[string]string{"vcs.revision": revision, "vcs.time": when, "vcs.modified": modified} {
		if v != "" {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: k, Value: v})
		}
	}
	return bi
}

const rev = "8814539abcdef0123456789abcdef0123456789a"

func TestVersion_stampWins(t *testing.T) {
	t.Parallel()
	bi := vcsInfo("(devel)", rev, "2026-12-01T22:04:00Z", "true")
	b := resolveBuild(stamp{"v1.2.3", "0123456789abcdef0123456789abcdef01234567", "2026-12-24T10:00:00Z"}, bi)
	assert.Equal(t, "v1.2.3", b.Version)
	assert.Equal(t, "0123456789abcdef0123456789abcdef01234567", b.Commit)
	assert.Equal(t, "2026-12-24T10:00:00Z", b.Date)
	assert.False(t, b.Modified, "vcs.modified is about the build info's revision, not the stamped one")
	assert.Equal(t, "v1.2.3", b.String())

	// A stamp with only the version keeps what the build info knows.
	b = resolveBuild(stamp{version: "v1.2.3"}, bi)
	assert.Equal(t, "v1.2.3", b.Version)
	assert.Equal(t, rev, b.Commit)
	assert.Equal(t, "2026-12-01T22:04:00Z", b.Date)
	assert.True(t, b.Modified)
}

func TestVersion_buildInfoFallback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		bi       *debug.BuildInfo
		want     buildInfo
		reported string
	}{
		{
			name:     "go build in a checkout",
			bi:       vcsInfo("(devel)", rev, "2026-12-01T22:04:00Z", "false"),
			want:     buildInfo{Version: "(devel)", Commit: rev, Date: "2026-12-01T22:04:00Z"},
			reported: "(devel) 8814539abcde",
		},
		{
			name:     "go build in a checkout with local changes",
			bi:       vcsInfo("(devel)", rev, "2026-12-01T22:04:00Z", "true"),
			want:     buildInfo{Version: "(devel)", Commit: rev, Date: "2026-12-01T22:04:00Z", Modified: true},
			reported: "(devel) 8814539abcde-dirty",
		},
		{
			name:     "go build with -buildvcs=false",
			bi:       vcsInfo("(devel)", "", "", ""),
			want:     buildInfo{Version: "(devel)"},
			reported: "(devel)",
		},
		{
			name:     "go install at a tag",
			bi:       vcsInfo("v0.4.0", "", "", ""),
			want:     buildInfo{Version: "v0.4.0"},
			reported: "v0.4.0",
		},
		{
			name:     "go install at a commit",
			bi:       vcsInfo("v0.0.0-20261201220400-8814539abcde", "", "", ""),
			want:     buildInfo{Version: "v0.0.0-20261201220400-8814539abcde", Commit: "8814539abcde", Date: "2026-12-01T22:04:00Z"},
			reported: "v0.0.0-20261201220400-8814539abcde",
		},
		{
			name:     "go build stamping a pseudo-version after a tag, dirty",
			bi:       vcsInfo("v0.4.1-0.20261201220400-8814539abcde+dirty", "", "", ""),
			want:     buildInfo{Version: "v0.4.1-0.20261201220400-8814539abcde+dirty", Commit: "8814539abcde", Date: "2026-12-01T22:04:00Z", Modified: true},
			reported: "v0.4.1-0.20261201220400-8814539abcde+dirty",
		},
		{
			name:     "no build info",
			want:     buildInfo{Version: "(devel)"},
			reported: "(devel)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := resolveBuild(stamp{}, tc.bi)
			assert.Equal(t, tc.want.Version, b.Version)
			assert.Equal(t, tc.want.Commit, b.Commit)
			assert.Equal(t, tc.want.Date, b.Date)
			assert.Equal(t, tc.want.Modified, b.Modified)
			assert.NotEmpty(t, b.Go)
			assert.Equal(t, runtime.GOOS+"/"+runtime.GOARCH, b.Platform)
			assert.Equal(t, tc.reported, b.String())
		})
	}
}

func TestVersion_command(t *testing.T) {
	t.Parallel()
	want := currentBuild()
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, stdout, stderr := cli(t, "", args...)
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, formatBuild(want), stdout, "%v", args)
	}

	code, stdout, stderr := cli(t, "", "version", "--json")
	require.Equal(t, exitOK, code, stderr)
	var got buildInfo
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, want, got)

	code, _, stderr = cli(t, "", "version", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unexpected argument "extra"`)
}

func TestVersion_formatSaysWhatIsUnknown(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "vcheck (devel)\ncommit: unknown\ndate:   unknown\ngo:     go1.26.8 linux/arm64\n",
		formatBuild(buildInfo{Version: "(devel)", Go: "go1.26.8", Platform: "linux/arm64"}))
	assert.Equal(t, "vcheck (devel)\ncommit: "+rev+" (modified)\ndate:   2026-12-01T22:04:00Z\ngo:     go1.26.8 linux/amd64\n",
		formatBuild(buildInfo{Version: "(devel)", Commit: rev, Modified: true, Date: "2026-12-01T22:04:00Z", Go: "go1.26.8", Platform: "linux/amd64"}))
}

// TestVersion_ldflagsStampABuiltBinary builds vcheck the way a release does
// and runs it: the -X names must match the variables, or a release would
// print "(devel)" with no error anywhere.
func TestVersion_ldflagsStampABuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		// The toolchain that built this test binary is the one running it.
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go") //nolint:staticcheck // SA1019: right for a test binary, which never moves
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	bin := filepath.Join(t.TempDir(), "vcheck")
	const ldflags = "-X main.version=v9.8.7-test -X main.commit=0123456789abcdef0123456789abcdef01234567 -X main.date=2026-12-24T10:00:00Z"
	args := append([]string{"build"}, sameBuildAsThisTest()...)
	build := exec.CommandContext(ctx, goTool, append(args, "-ldflags", ldflags, "-o", bin, ".")...)
	outb, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", outb)

	outb, err = exec.CommandContext(ctx, bin, "version", "--json").Output()
	require.NoError(t, err)
	var got buildInfo
	require.NoError(t, json.Unmarshal(outb, &got), "%s", outb)
	assert.Equal(t, "v9.8.7-test", got.Version)
	assert.Equal(t, "0123456789abcdef0123456789abcdef01234567", got.Commit)
	assert.Equal(t, "2026-12-24T10:00:00Z", got.Date)
	assert.False(t, got.Modified)

	outb, err = exec.CommandContext(ctx, bin, "--version").Output()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(outb), "vcheck v9.8.7-test\n"), "%s", outb)
}

// sameBuildAsThisTest is the go build flags that compile packages the way
// this test binary's were (-race under make unit), so that the build reuses
// them from the cache and only links: a build in another configuration
// compiles the standard library and every dependency again.
func sameBuildAsThisTest() []string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	var flags []string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "-race" && s.Value == "true":
			flags = append(flags, "-race")
		case s.Key == "-trimpath" && s.Value == "true":
			flags = append(flags, "-trimpath")
		case s.Key == "-tags" && s.Value != "":
			flags = append(flags, "-tags", s.Value)
		}
	}
	return flags
}

// TestVersion_goreleaserStampsTheseVariables keeps .goreleaser.yaml's
// ldflags on the names that version.go declares.
func TestVersion_goreleaserStampsTheseVariables(t *testing.T) {
	t.Parallel()
	cfg, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	require.NoError(t, err)
	for _, x := range []string{"-X main.version=v{{ .Version }}", "-X main.commit={{ .FullCommit }}", "-X main.date={{ .CommitDate }}", "CGO_ENABLED=0", "-trimpath"} {
		assert.Contains(t, string(cfg), x)
	}
}
