// Package conformance generates requests with exactly one documented defect
// each (pgregory.net/rapid generators) and holds the oracle: the named checks
// that judge whether an answer is what the documentation owes.
//
// It reads contracts and openapi (the Error schema of the body-schema check)
// only. It never imports mock: the mock decides what to answer, conformance
// decides what was owed, each from the documentation.
//
// A runner uses it in four steps:
//
//	fams := conformance.Families(opts)                 // one generator family per documented code
//	cases := conformance.Draw(fam, runSeed, n)         // in one goroutine; same seed, same cases
//	r, err := conformance.Send(ctx, client, target, c) // setup steps, then the request, signed now
//	fs := conformance.Oracle{Policy: p}.Judge(c, r)    // violations, errata notes, inconclusive
//
// and, for a failing case, conformance.Shrink(ctx, fam, c.Seed, send) to get
// the smallest case that fails the same way. Families with SideEffects start
// verifications on a conforming target: send them only to the mock or with
// the user's consent and test number, and set Options.StartBase only then
// (without it no authentication defect rides on a start, which a target
// tolerating the defect would execute). Expectations come from the catalog and
// the documentation (facts.md), never from what the mock does.
package conformance
