// Package mock is the reference Verification API: an http.Handler that fails
// exactly as the documentation says for every documented code, httpmock
// responders, and drift mutants that break the contract in one named way.
//
// # What a request goes through
//
// Every request passes the same steps in this order; the first that fails
// answers, always with the catalog's JSON body, Content-Type
// application/json and the documented HTTP status:
//
//  1. body size: more than MaxBodyBytes is 40003 (the signature covers the
//     body, so it cannot be authenticated without reading it all);
//  2. authentication, by contracts.Verifier: no Authorization header at all
//     is 40104 (erratum 7: 40100 is kept for a header that is present but
//     malformed or of an unknown scheme), and two Authorization lines, even
//     identical, are 40100 as well (which credential is meant is not
//     defined; a second credential joined by a comma is a malformed value);
//     an unknown application key or wrong Basic credentials 40107;
//     x-timestamp missing, not ISO-8601, outside MaxSkew or sent on two
//     lines 40101; a signature that does not verify 40102, and so is a
//     second Content-Type line, which leaves the signed string undefined.
//     The Basic scheme reads no x-timestamp and signs nothing, so its
//     repeated x-timestamp is ignored and its repeated Content-Type is
//     left to step 4;
//  3. routing: an unknown path, or a known path with another HTTP method,
//     is 40400 (an Allow header lists the methods the path takes). Routing
//     comes after authentication so that an unauthenticated caller learns
//     nothing about the routes;
//  4. Content-Type: a PUT or POST whose body is not application/json, or
//     that has two Content-Type lines, is 40003;
//  5. the body: not a JSON object is 40003; a missing, null or empty
//     required parameter is 40002 naming it ("Endpoint parameter is
//     missing."); a number with digits only (no '+', or 00 instead of it)
//     is 40005; another number that is not E.164 is 40003; an unknown method
//     is 40003 (40001 is the SMS code format error, erratum 6); a report
//     code that does not match ^[A-Za-z0-9-]{1,10}$ is 40001;
//  6. magic numbers: a valid start to a catalog magic number answers that
//     code; a server-side code (trigger "server") also answers a report by
//     number or a status by identity to its magic number;
//  7. state: a reused reference is 40900, a second start to a number inside
//     VelocityWindow 42901, an unknown id, reference or number 40400.
//
// # What succeeds
//
// A start answers 200 with a new id and the documented per-method fields;
// a report with the right code (Code, "1234", for sms, callout and whatsapp;
// a CLI ending in Code for flashcall) answers status SUCCESSFUL, any other
// well-formed code status FAIL (200: the API reports a wrong code that way).
//
// # Drift mutants
//
// A drift mutant (Config.Drift, Drifts) is the faithful mock with a few
// named hooks filled in: before the request, after a failed
// authentication, the velocity window, a report's validation error, the
// error answer about to be written and the HTTP server's write timeout.
// The faithful mock has no hooks, so its path reads without mutants and
// pays a nil check at each; every mutant is one entry in drift.go's
// mutants, and a new one is a change to that file alone.
//
// It imports contracts, fixtures, the standard library and httpmock. It
// never imports conformance or runner: the mock decides what to answer, the
// oracle decides what was owed, each from the documentation.
package mock
