package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxConfigSize bounds what --config reads; a run's configuration is a
// few hundred bytes.
const maxConfigSize = 1 << 20

// runFileOnlyFlags are run flags a config file may not set, and why: each
// changes one invocation, and a file that every run reads would change
// them all without a word on the command line.
var runFileOnlyFlags = map[string]string{
	"config":          "a config file cannot name another",
	"dry-run":         "a dry run sends nothing; give --dry-run on the command line",
	"replay":          "a replay runs one case; give --replay on the command line",
	"update-baseline": "it accepts every deviation of the run; give --update-baseline on the command line",
}

// runFilePaths are the keys whose relative values are relative to the
// config file's directory, so a file works from any working directory.
var runFilePaths = []string{"catalog", "json", "junit", "markdown", "html", "baseline"}

// runFileLists are the keys that take comma-separated values on the
// command line; the file may also give them as YAML lists.
var runFileLists = []string{"only", "skip", "require-codes"}

// runFileSetting is one key of a config file, as the string its flag parses.
type runFileSetting struct {
	name, value string
	line        int
}

// applyRunFile sets each flag the file at path sets and the command line
// did not, and returns where each of those came from ("FILE:LINE").
func applyRunFile(fs *flagSet, path string) (map[string]string, error) {
	settings, err := readRunFile(path, fs.FlagSet)
	if err != nil {
		return nil, err
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	from := map[string]string{}
	for _, s := range settings {
		if onCommandLine[s.name] {
			continue
		}
		if err := fs.Set(s.name, s.value); err != nil {
			return nil, usagef("%s:%d: %s: %s", path, s.line, s.name, wantOf(fs.Lookup(s.name)))
		}
		from[s.name] = fmt.Sprintf("%s:%d", path, s.line)
	}
	return from, nil
}

// readRunFile reads a YAML mapping from run flag names to values. Every
// key is checked before any flag is set, whether or not the command line
// overrides it: a bad file is refused as a whole. No message quotes a
// value, so a secret pasted in the wrong place is never printed.
func readRunFile(path string, flags *flag.FlagSet) ([]runFileSetting, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--config: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, usagef("--config: %v", err)
	}
	if len(b) > maxConfigSize {
		return nil, usagef("--config %s: more than %d bytes", path, maxConfigSize)
	}
	// A node tree, not a struct: the keys are checked one by one so that
	// an unknown key, a secret or a wrong type is named with its line.
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return nil, nil // an empty file sets nothing
	case err != nil:
		return nil, usagef("--config %s: %v", path, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, usagef("--config %s: want one YAML document", path)
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, usagef("%s:%d: want a mapping of vcheck run flag names to values", path, root.Line)
	}
	dir := filepath.Dir(path)
	var settings []runFileSetting
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolveAlias(root.Content[i+1])
		at := fmt.Sprintf("%s:%d", path, k.Line)
		if k.Kind != yaml.ScalarNode {
			return nil, usagef("%s: want a flag name as the key", at)
		}
		name := k.Value
		if secretLike(name) {
			return nil, usagef("%s: %q: credentials never go in a config file (it is committed and shared); set SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET in the environment", at, name)
		}
		if why, ok := runFileOnlyFlags[name]; ok {
			return nil, usagef("%s: %s cannot be set in a config file: %s", at, name, why)
		}
		fl := flags.Lookup(name)
		if fl == nil {
			hint := ""
			if alt := strings.ReplaceAll(strings.ToLower(name), "_", "-"); flags.Lookup(alt) != nil {
				if _, only := runFileOnlyFlags[alt]; !only {
					hint = fmt.Sprintf(" (did you mean %s?)", alt)
				}
			}
			return nil, usagef("%s: unknown key %q%s; the keys are vcheck run's flag names: %s", at, name, hint, strings.Join(runFileKeys(flags), ", "))
		}
		if first, dup := seen[name]; dup {
			return nil, usagef("%s: %s is set twice (first at line %d)", at, name, first)
		}
		seen[name] = k.Line
		value, err := runFileValue(fl, v)
		if err != nil {
			return nil, usagef("%s: %s: %v", at, name, err)
		}
		if slices.Contains(runFilePaths, name) && value != "" && !filepath.IsAbs(value) {
			value = filepath.Join(dir, value)
		}
		settings = append(settings, runFileSetting{name: name, value: value, line: k.Line})
	}
	return settings, nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// runFileValue turns a value node into the string fl parses, checked
// against fl's type; errors describe what is wanted, never the value.
func runFileValue(fl *flag.Flag, v *yaml.Node) (string, error) {
	want := wantOf(fl)
	scalar := func(n *yaml.Node) (string, error) {
		switch {
		case n.Kind != yaml.ScalarNode:
			return "", fmt.Errorf("%s, not a %s", want, kindName(n.Kind))
		case n.Tag == "!!null":
			return "", fmt.Errorf("no value (leave the key out for its default)")
		}
		return n.Value, nil
	}
	if v.Kind == yaml.SequenceNode && slices.Contains(runFileLists, fl.Name) {
		parts := make([]string, 0, len(v.Content))
		for _, item := range v.Content {
			s, err := scalar(resolveAlias(item))
			if err != nil {
				return "", fmt.Errorf("list item at line %d: %w", item.Line, err)
			}
			parts = append(parts, s)
		}
		if err := codeList(parts); err != nil {
			return "", err
		}
		if len(parts) == 0 {
			return "", fmt.Errorf("an empty list (leave the key out to select everything)")
		}
		return strings.Join(parts, ","), nil
	}
	s, err := scalar(v)
	if err != nil {
		return "", err
	}
	if !parsesAs(fl, s) {
		return "", errors.New(want)
	}
	if slices.Contains(runFileLists, fl.Name) && !(fl.Name == "require-codes" && strings.TrimSpace(s) == "all") {
		if err := codeList(strings.Split(s, ",")); err != nil {
			return "", err
		}
	}
	return s, nil
}

// codeList checks that each of parts is a number, so that parseCodes,
// which quotes what it refuses, never quotes a word from the file (a
// secret pasted on the wrong line, say).
func codeList(parts []string) error {
	for i, p := range parts {
		if _, err := strconv.Atoi(strings.TrimSpace(p)); err != nil {
			return fmt.Errorf("item %d: want a five-digit error code", i+1)
		}
	}
	return nil
}

// parsesAs reports whether s parses as fl's type, the way package flag
// parses it.
func parsesAs(fl *flag.Flag, s string) bool {
	g, ok := fl.Value.(flag.Getter)
	if !ok {
		return true
	}
	var err error
	switch g.Get().(type) {
	case int:
		_, err = strconv.ParseInt(s, 0, strconv.IntSize)
	case uint64:
		_, err = strconv.ParseUint(s, 0, 64)
	case float64:
		_, err = strconv.ParseFloat(s, 64)
	case bool:
		_, err = strconv.ParseBool(s)
	case time.Duration:
		_, err = time.ParseDuration(s)
	}
	return err == nil
}

// wantOf says what fl's value must be, for messages.
func wantOf(fl *flag.Flag) string {
	want := "want a string"
	if g, ok := fl.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case int:
			want = "want an integer"
		case uint64:
			want = "want an integer of 0 or more"
		case float64:
			want = "want a number"
		case bool:
			want = "want true or false"
		case time.Duration:
			want = "want a duration such as 10s or 1m30s"
		}
	}
	if slices.Contains(runFileLists, fl.Name) {
		want += " (comma-separated) or a list"
	}
	return want
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	}
	return "scalar"
}

// runFileKeys are the keys a config file may set: every run flag but
// the credentials and those of runFileOnlyFlags.
func runFileKeys(flags *flag.FlagSet) []string {
	var keys []string
	flags.VisitAll(func(f *flag.Flag) {
		if _, only := runFileOnlyFlags[f.Name]; !only && !secretLike(f.Name) {
			keys = append(keys, f.Name)
		}
	})
	return keys
}

// secretLike reports whether a config key names a credential: key,
// secret, application_secret, SINCH_APPLICATION_KEY, password, token and
// the like, however spelled. Such a key is refused without reading its value.
func secretLike(name string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(name))
	if strings.HasSuffix(n, "key") {
		return true
	}
	for _, w := range []string{"secret", "password", "passwd", "token", "credential", "authorization", "bearer"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
