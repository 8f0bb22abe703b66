// Package fuzz holds vcheck's native Go fuzz targets: the error-body parser,
// the status string, the Authorization header, signing against verifying,
// the mock's handler, the proxy's rule grammar and the proxy's handler
// (rules, admin API, record). It has no code of its own outside its tests.
//
// The targets are in the standard testing.F form, so that OSS-Fuzz's
// compile_native_go_fuzzer_v2 builds them unchanged (design.md): every file
// here is package fuzz, each FuzzX is defined in exactly one file, the
// arguments are of supported kinds only, and the seeds that matter are files
// in testdata/fuzz/FuzzX/ (that build ignores f.Add). The named seed files
// are written by TestCorpusFiles from the catalog and the documented signing
// vectors; `go test ./fuzz -run TestCorpusFiles -update-corpus` rewrites
// them, and the same test fails when a committed file is stale. Files named
// by a 16-digit hash are inputs the fuzzing engine found; they stay as
// regression tests.
//
// Run one target at a time (-fuzz accepts one per package run):
//
//	go test -run '^$' -fuzz '^FuzzParseErrorBody$' -fuzztime 60s ./fuzz/
//
// fuzz imports what it fuzzes (contracts, mock, proxy); nothing imports fuzz.
package fuzz
