package workflows

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// action is the metadata of a composite action (action.yml), as far as the
// tests read it.
type action struct {
	inputs   []kv // name and default, in file order
	required map[string]bool
	outputs  []kv // name and value
	steps    []step
}

// readAction reads the composite action at path with the same YAML-subset
// reader as the workflows.
func readAction(t *testing.T, path string) action {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	a := action{required: map[string]bool{}}
	using := ""
	for i, l := range lines {
		if blank(l) || indentOf(l) != 0 {
			continue
		}
		switch strings.TrimSpace(l) {
		case "inputs:":
			for _, in := range named(body(lines, i)) {
				m := mapping(in.lines)
				def := ""
				for _, e := range m {
					switch e.key {
					case "default":
						def = unquote(e.value)
					case "required":
						a.required[in.name] = e.value == "true"
					}
				}
				a.inputs = append(a.inputs, kv{in.name, def})
			}
		case "outputs:":
			for _, o := range named(body(lines, i)) {
				val := ""
				for _, e := range mapping(o.lines) {
					if e.key == "value" {
						val = e.value
					}
				}
				a.outputs = append(a.outputs, kv{o.name, val})
			}
		case "runs:":
			rb := body(lines, i)
			for j, rl := range rb {
				if blank(rl) || indentOf(rl) != 2 {
					continue
				}
				k, v, _ := keyValue(rl)
				switch k {
				case "using":
					using = v
				case "steps":
					a.steps = readSteps(body(rb, j))
				}
			}
		}
	}
	require.Equal(t, "composite", using, "%s: runs.using", path)
	require.NotEmpty(t, a.inputs, "%s: no inputs", path)
	require.NotEmpty(t, a.outputs, "%s: no outputs", path)
	require.NotEmpty(t, a.steps, "%s: no steps", path)
	return a
}

type namedBlock struct {
	name  string
	lines []string
}

// named reads "name:" entries at the block's first indentation, each with
// the lines below it.
func named(lines []string) []namedBlock {
	var out []namedBlock
	in := -1
	for i, l := range lines {
		if blank(l) {
			continue
		}
		if in < 0 {
			in = indentOf(l)
		}
		if indentOf(l) == in {
			k, _, _ := keyValue(l)
			out = append(out, namedBlock{k, body(lines, i)})
		}
	}
	return out
}

// run makes the run of the action's steps in dir (the action's checkout,
// also the workspace), with the given inputs over the declared defaults.
// An input the action does not declare fails the test, as actionlint
// would.
func (a action) run(t *testing.T, dir string, env []string, with map[string]string) *run {
	t.Helper()
	ctx := githubContext()
	declared := map[string]bool{}
	for _, in := range a.inputs {
		declared[in.key] = true
		ctx["inputs."+in.key] = in.value
	}
	for k, v := range with {
		require.True(t, declared[k], "input %q is not declared in action.yml", k)
		ctx["inputs."+k] = v
	}
	ctx["github.action_path"] = dir
	exec := map[string]bool{}
	for _, s := range a.steps {
		if s.run != "" {
			exec[s.id] = true
		}
	}
	return &run{t: t, dir: dir, env: append(append([]string{}, env...), "GITHUB_ACTION_PATH="+dir), ctx: ctx, exec: exec}
}
