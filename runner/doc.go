// Package runner runs the conformance suite against a target (the embedded
// mock or any URL): execution with rate, budget and concurrency, reports,
// baselines and diffs. It sits after contracts, conformance and mock in the
// data flow and is imported only by cmd/vcheck.
package runner
