// Package conformance generates requests with exactly one documented defect
// each (pgregory.net/rapid generators) and holds the oracle: the named checks
// that judge whether an answer is what the documentation owes.
//
// It reads contracts only. It never imports mock: the mock decides what to
// answer, conformance decides what was owed, each from the documentation.
package conformance
