//go:build race

package runner

// raceBuild is true in a test binary built with -race, where rapid runs
// about thirty times slower: the plan properties draw smaller runs there,
// and `make unit` runs them whole again without -race (see the Makefile).
const raceBuild = true
