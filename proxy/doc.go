// Package proxy is vcheck's documented-error chaos proxy: an http.Handler
// that forwards requests to an upstream (the reference mock, `vcheck serve`
// or any base URL) and, by rules, answers instead with a documented Sinch
// error from the catalog byte for byte, a gateway page, an empty or
// truncated body, a delay, a hung, reset or closed connection, or an answer
// lost after the upstream executed the request.
//
// Rules share one grammar (ParseRule, Rule.String) in the --rule flag, a rules
// file and the admin API. Sessions (POST /__vcheck/sessions) give each test
// its own loopback port and rule counts; every attempt is recorded as one
// JSON line with credentials redacted.
//
// It sits beside mock and conformance in the data flow
// (fixtures -> contracts -> {conformance, mock, proxy} -> runner -> cmd) and
// imports only contracts and fixtures: never mock, conformance or runner.
// Whoever wants the embedded mock upstream passes its handler as
// Config.Handler, and the proxy serves it in-process (no second HTTP hop);
// any other upstream is a base URL, Config.Upstream, reached over HTTP.
package proxy
