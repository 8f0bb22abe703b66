// Package contracts is vcheck's source of truth for the error contract of the
// Sinch Verification API: the catalog of the 21 documented error codes and the
// errata of the published pages, the tolerant error-body parser and the strict
// validation the oracle uses, the Application signed request algorithm and
// Basic auth (signing and verifying), the OpenAPI document, and the
// documentation lint.
//
// It reads fixtures and the standard library (plus libopenapi for the OpenAPI
// document). It never imports conformance, mock, runner or cmd: both the mock
// and the conformance oracle read it, and neither may shape it.
package contracts
