// Package runner runs the conformance suite against a target (the embedded
// mock or any URL): execution with rate, budget and concurrency, reports,
// baselines and diffs. It sits after contracts, conformance and mock in the
// data flow and is imported only by cmd/vcheck.
//
// Options say how a run executes; where its results go is a list of
// Reporters handed to Run (the JSON, JUnit, Markdown and HTML files, the
// text summary, the progress lines, or a Go caller's own). The runner
// decides the verdict once and every reporter states it. Its errors name
// Options fields (*ConfigError); cmd/vcheck names them as flags.
package runner
