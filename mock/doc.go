// Package mock is the reference Verification API: an http.Handler that fails
// exactly as the documentation says for every documented code, httpmock
// responders, and drift mutants that break the contract in one named way.
//
// It reads contracts only. It never imports conformance.
package mock
