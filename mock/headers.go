package mock

import (
	"errors"
	"net/http"
	"slices"

	"github.com/vcheck/vcheck/contracts"
)

// The headers the authentication reads. Each is a singleton: net/http keeps
// every header line as its own value, and Header.Get would quietly pick the
// first, so a request with two lines would be judged on one of them while a
// proxy or the real API may read the other, or both joined by a comma. The
// mock takes neither: a repeated header is refused (see authenticate).
//
// They are spelled canonically (TestHeaderNamesAreCanonical), as net/http
// stores a request's header names, so that they index the map directly:
// Header.Values would canonicalise the name on every call, and allocate
// for x-timestamp, which contracts spells in lower case.
const (
	headerAuthorization = "Authorization"
	headerContentType   = "Content-Type"
	headerTimestamp     = "X-Timestamp" // contracts.HeaderTimestamp
)

// repeated reports whether h carries name, a canonical header name, on more
// than one line.
func repeated(h http.Header, name string) bool {
	return len(h[name]) > 1
}

// timestampFailures are Verify's failures at the x-timestamp step;
// pastKeyFailures are those and the signature's, the steps after the key.
var (
	timestampFailures = []contracts.AuthFailure{contracts.FailureNoTimestamp, contracts.FailureInvalidTimestamp, contracts.FailureSkewedTimestamp}
	pastKeyFailures   = append(slices.Clip(timestampFailures), contracts.FailureSignatureMismatch)
)

// ambiguousSignedHeaders turns Verify's result for an Application-scheme
// request into the failure its repeated headers call for. Only a request
// that got past the Authorization header and the key (Verify succeeded, or
// failed at the timestamp or the signature) is judged on them, so that the
// documented order holds: an unknown key is 40107 whatever its x-timestamp
// lines. A repeated x-timestamp is an invalid timestamp (40101), ahead of
// the signature as in Verify; a repeated Content-Type leaves the string to
// sign undefined, so no signature verifies (40102). A Basic request signs
// nothing and reads no x-timestamp: its repeated Content-Type is left to
// the Content-Type check (40003).
func ambiguousSignedHeaders(r *http.Request, err error) error {
	repeatedTimestamp, repeatedContentType := repeated(r.Header, headerTimestamp), repeated(r.Header, headerContentType)
	if !repeatedTimestamp && !repeatedContentType {
		return err // the common case, judged without parsing Authorization again
	}
	if err != nil && !isFailure(err, pastKeyFailures...) {
		return err
	}
	auth, perr := contracts.ParseAuthorization(r.Header.Get(headerAuthorization))
	if perr != nil || auth.Scheme != contracts.SchemeApplication {
		return err
	}
	switch {
	case repeatedTimestamp:
		return &contracts.AuthError{Failure: contracts.FailureInvalidTimestamp, Detail: "x-timestamp is sent more than once"}
	case repeatedContentType && !isFailure(err, timestampFailures...):
		return &contracts.AuthError{Failure: contracts.FailureSignatureMismatch, Detail: "Content-Type is sent more than once, so the signed string is undefined"}
	}
	return err
}

// isFailure reports whether err is an *contracts.AuthError with one of
// failures.
func isFailure(err error, failures ...contracts.AuthFailure) bool {
	var ae *contracts.AuthError
	return errors.As(err, &ae) && slices.Contains(failures, ae.Failure)
}
