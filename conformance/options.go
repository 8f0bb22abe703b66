package conformance

import (
	"fmt"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// Options configure the generator families. The zero value is usable: the
// embedded catalog, Application-signed requests, no magic values, numbers
// from Ofcom's drama ranges.
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
