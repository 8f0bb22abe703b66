// Package workflows holds no code: its tests are the checks on vcheck's own
// CI, the GitHub workflows in .github/workflows, the composite action in
// action.yml (which the workflows use as uses: ./) and the scripts they
// call in scripts/. They run the shell steps in order, as the runner would,
// against a fake vcheck, go and gh, so that what reaches an output, the
// step summary, a label, an issue or a failed release is shown for every
// exit code, not assumed.
//
// It is a package of its own, not a file in fuzz (which holds the fuzz
// targets and the test of scripts/fuzz.sh, their driver): the workflows
// are a contract of their own, with their own fixtures. It imports nothing
// of vcheck.
//
// Two files are over 400 lines, each one job: runner_test.go is the step
// runner with its reader of the workflow YAML subset and its fakes, and
// workflows_test.go is the table of workflows, exit codes and what each
// must leave behind; splitting either would scatter one table.
package workflows
