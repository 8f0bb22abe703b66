// Package contracts is vcheck's source of truth for the error contract of the
// Sinch Verification API: the catalog of the 21 documented error codes and the
// errata of the published pages, the tolerant error-body parser and the strict
// validation the oracle uses, the Application signed request algorithm and
// Basic auth (signing and verifying), and the documentation lint.
//
// It reads fixtures, internal/jsonscan (the JSON scanning it shares with the
// mock) and the standard library only. It never imports openapi,
// conformance, mock, proxy, runner or cmd: the mock, the proxy and the
// conformance oracle read it, and none of them may shape it. The OpenAPI
// document and the Error schema validation are package openapi, so that the
// mock does not link libopenapi.
package contracts
