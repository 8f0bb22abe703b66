package conformance

import (
	"fmt"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// Options configure the generator families. The zero value is usable and
// safe toward a real endpoint: the embedded catalog, Application-signed
// requests, no magic values, numbers from Ofcom's drama ranges, and
// authentication defects applied only to requests that cannot start a
// verification.
type Options struct {
	// Catalog is the documented contract; nil means contracts.DefaultCatalog.
	Catalog *contracts.Catalog
	// Magic includes the magic-value families (account and server errors
	// triggered by reserved numbers). Set it only for a target that
	// declares it honours the catalog's magic values (the mock does; a real
	// sandbox does not).
	Magic bool
	// Basic makes the requests of the non-authentication families use
	// Basic authentication instead of Application signing.
	Basic bool
	// TestNumber, when set, is the E.164 number that requests which start a
	// verification on a conforming target use (control, stateful and setup
	// steps). When empty they use Ofcom drama numbers, which reach no one.
	TestNumber string
	// MaxSkew is the target's allowed x-timestamp skew, which the docs do
	// not state; 0 means contracts.DefaultMaxSkew. Skewed timestamps are
	// drawn at least twice this far from the send time, and at least an hour.
	MaxSkew time.Duration
	// StartBase lets the authentication families (40100 to 40107) apply
	// their defect to a start (to a drama number) as well as to a report
	// and a status lookup of unknown ids. A target that tolerated the
	// defect (a skew it allows, a timestamp form it accepts) would then
	// start a real verification, so set it only for a loopback target or
	// with the user's consent; the zero value never lets an
	// authentication case be a start.
	StartBase bool
}

// Auth bases: the valid requests an authentication defect is applied to.
const (
	// AuthBaseStart is a start to a drama number.
	AuthBaseStart = "start"
	// AuthBaseReport is a report for an id that does not exist.
	AuthBaseReport = "report"
	// AuthBaseStatus is a status lookup of an id that does not exist.
	AuthBaseStatus = "status"
)

// AuthBases returns the requests the authentication families apply their
// defects to under o, in the order their generators draw them (rapid
// shrinks towards the first).
func (o Options) AuthBases() []string {
	if o.StartBase {
		return []string{AuthBaseStart, AuthBaseReport, AuthBaseStatus}
	}
	return []string{AuthBaseReport, AuthBaseStatus}
}

// Validate names the first bad field.
func (o Options) Validate() error {
	if o.TestNumber != "" && !contracts.IsE164(o.TestNumber) {
		return fmt.Errorf("conformance options: TestNumber %q is not an E.164 number like +447700900123", o.TestNumber)
	}
	if o.MaxSkew < 0 {
		return fmt.Errorf("conformance options: MaxSkew %s is negative", o.MaxSkew)
	}
	return nil
}

func (o Options) catalog() *contracts.Catalog {
	if o.Catalog != nil {
		return o.Catalog
	}
	return contracts.DefaultCatalog()
}

func (o Options) maxSkew() time.Duration {
	if o.MaxSkew > 0 {
		return o.MaxSkew
	}
	return contracts.DefaultMaxSkew
}
