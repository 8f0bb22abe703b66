// Package openapi holds the OpenAPI document of the Verification API that
// vcheck writes from the documented facts (fixtures/openapi): loaded and
// checked with libopenapi, its operations and their error examples, and the
// validation of an error body against its Error schema.
//
// It sits between contracts and conformance in the data flow: it reads
// contracts and fixtures only, and only conformance imports it (besides
// tests, and cmd if it must). It is a package of its own so that contracts,
// mock and proxy, and every SDK test suite that starts the mock, do not
// build libopenapi and libopenapi-validator's dependencies.
package openapi
