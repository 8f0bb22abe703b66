package fuzz

import (
	"errors"
	"reflect"
	"testing"

	"github.com/vcheck/vcheck/contracts"
)

// FuzzAuthorizationHeader: ParseAuthorization never panics, fails only
// with an *AuthError saying no-authorization or malformed-header, and what
// it accepts renders back to a header that parses to the same thing.
func FuzzAuthorizationHeader(f *testing.F) {
	f.Add("Application key:h6rXrFayOoggyHW4ymnLlfSDkZZPg6j98lHzvOXVjvw=")
	f.Add("Basic a2V5OnNlY3JldA==")
	f.Add("")
	f.Fuzz(func(t *testing.T, value string) {
		a, err := contracts.ParseAuthorization(value)
		if err != nil {
			var ae *contracts.AuthError
			if !errors.As(err, &ae) || (ae.Failure != contracts.FailureNoAuthorization && ae.Failure != contracts.FailureMalformed) {
				t.Fatalf("ParseAuthorization(%q): %v", value, err)
			}
			return
		}
		var rendered string
		switch a.Scheme {
		case contracts.SchemeApplication:
			rendered = string(contracts.SchemeApplication) + " " + a.Key + ":" + a.Signature
		case contracts.SchemeBasic:
			rendered = contracts.BasicAuthorization(contracts.Credentials{Key: a.Key, Secret: a.Secret})
		default:
			t.Fatalf("ParseAuthorization(%q): scheme %q", value, a.Scheme)
		}
		b, err := contracts.ParseAuthorization(rendered)
		if err != nil {
			t.Fatalf("ParseAuthorization(%q) = %+v, which renders as %q: %v", value, a, rendered, err)
		}
		if !reflect.DeepEqual(b, a) { // compares the secrets' values, not their pointers
			t.Fatalf("ParseAuthorization(%q) = %+v; rendered %q parses to %+v", value, a, rendered, b)
		}
	})
}
