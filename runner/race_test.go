//go:build race

package runner_test

// raceDetector is true in a test binary built with -race. The mutation gate
// runs five of its mutants (raceGate) at one seed under one policy there: the race detector multiplies its
// cost about six times and finds nothing the other runner tests, which take
// the same paths under -race, do not; `make unit` runs the whole gate again
// without -race.
const raceDetector = true
