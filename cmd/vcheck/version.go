package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"time"
)

// Release builds stamp these with
//
//	-ldflags "-X main.version=v1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>"
//
// (.goreleaser.yaml does). Each one that is set wins over what the build
// info says; unset, the build info is all there is.
var (
	version string
	commit  string
	date    string
)

func init() {
	register(command{name: "version", summary: "print vcheck's version, commit and build date", run: runVersion})
}

// buildInfo is what vcheck knows about the binary it is.
type buildInfo struct {
	// Version is the module version: "v1.2.3" from a release or from
	// go install ...@v1.2.3, "(devel)" from a build in a checkout.
	Version string `json:"version"`
	// Commit is the VCS revision, "" when unknown.
	Commit string `json:"commit,omitempty"`
	// Modified says the work tree had uncommitted changes at build time.
	Modified bool `json:"modified,omitempty"`
	// Date is the commit's (or the release's) time in RFC 3339, "" when unknown.
	Date string `json:"date,omitempty"`
	// Go is the toolchain that built the binary.
	Go string `json:"go"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
}

// String is the version as reports carry it: the module version, and for a
// development build the short commit too, since "(devel)" alone names nothing.
func (b buildInfo) String() string {
	if b.Version != "(devel)" || b.Commit == "" {
		return b.Version
	}
	s := b.Version + " " + shortCommit(b.Commit)
	if b.Modified {
		s += "-dirty"
	}
	return s
}

// currentBuild is this binary's build information.
func currentBuild() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return resolveBuild(stamp{version, commit, date}, bi)
}

// versionString is the version that reports carry (runner.Options.Version).
func versionString() string { return currentBuild().String() }

// stamp is what -ldflags -X set.
type stamp struct{ version, commit, date string }

// pseudoVersion matches the tail of a Go pseudo-version
// (v0.0.0-20261201220400-8814539abcde, also after a pre-release and with
// +dirty), the only place that go install ...@commit leaves the commit:
// a build from the module cache has no VCS settings.
var pseudoVersion = regexp.MustCompile(`[-.](\d{14})-([0-9a-f]{12})(\+dirty)?$`)

// resolveBuild merges the stamp over the build info bi (nil when the binary
// has none).
func resolveBuild(s stamp, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			b.Go = bi.GoVersion
		}
		if bi.Main.Version != "" {
			b.Version = bi.Main.Version
		}
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				b.Commit = kv.Value
			case "vcs.time":
				b.Date = kv.Value
			case "vcs.modified":
				b.Modified = kv.Value == "true"
			}
		}
		if m := pseudoVersion.FindStringSubmatch(b.Version); m != nil && b.Commit == "" {
			b.Commit = m[2]
			b.Modified = m[3] != ""
			if t, err := time.Parse("20060102150405", m[1]); err == nil {
				b.Date = t.UTC().Format(time.RFC3339)
			}
		}
	}
	if s.version != "" {
		b.Version = s.version
	}
	if s.commit != "" {
		if s.commit != b.Commit {
			// The build info's modified flag is about its own revision.
			b.Modified = false
		}
		b.Commit = s.commit
	}
	if s.date != "" {
		b.Date = s.date
	}
	return b
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func runVersion(_ context.Context, args []string, out, _ io.Writer) error {
	fs := newFlags("version", "[--json]", out)
	fs.epilog = "exit codes:\n  0  the build information was printed\n  2  a bad flag\n"
	asJSON := fs.Bool("json", false, "print the build information as JSON")
	if err := fs.parse(args); err != nil {
		return err
	}
	b := currentBuild()
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	_, err := io.WriteString(out, formatBuild(b))
	return err
}

// formatBuild is vcheck version's text: the version on the first line (the
// line `vcheck --version` has always printed), then one fact a line.
func formatBuild(b buildInfo) string {
	or := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	c := or(b.Commit)
	if b.Modified {
		c += " (modified)"
	}
	return fmt.Sprintf("vcheck %s\ncommit: %s\ndate:   %s\ngo:     %s %s\n", b.Version, c, or(b.Date), b.Go, b.Platform)
}
