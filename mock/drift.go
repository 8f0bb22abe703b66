package mock

import (
	"slices"
	"strings"

	"github.com/vcheck/vcheck/contracts"
)

// Drift is a drift mutant: a mock that breaks the documented contract in
// exactly one named way, so that a runner can show each of its checks fail.
type Drift struct {
	// Name is what Config.Drift and `vcheck serve --drift` take.
	Name string
	// Description says what the mutant changes, in one line.
	Description string
	// Codes are the documented codes whose contract it breaks.
	Codes []int
}

// The drift mutants' names.
const (
	driftWrongCode         = "wrong-code"
	driftCodeAsString      = "code-as-string"
	driftWrongStatusString = "wrong-status-string"
	driftWrongHTTPStatus   = "wrong-http-status"
	driftHTMLErrorPage     = "html-error-page"
	driftNoContentType     = "no-content-type"
	driftEmptyMessage      = "empty-message"
	driftAcceptBadSig      = "accept-bad-signature"
	driftIgnoreTimestamp   = "ignore-timestamp"
	driftNoVelocityLimit   = "no-velocity-limit"
	driftServerErrorLong   = "server-error-on-long-code"
	driftSlow              = "slow"
)

// Drifts returns every drift mutant, in a fixed order.
func Drifts() []Drift {
	all := contracts.DefaultCatalog().Codes()
	return []Drift{
		{driftWrongCode, "a number without its leading plus answers errorCode 40002 instead of 40005 (the rest of the 40005 body unchanged: the published example of erratum 1)", []int{40005}},
		{driftCodeAsString, `every error body sends errorCode as a JSON string ("40005") instead of a number`, all},
		{driftWrongStatusString, `every error body's status names the HTTP reason instead of the documented type ("400 BadRequest" for "400 NumberMissingLeadingPlus")`, all},
		{driftWrongHTTPStatus, "every error is sent with HTTP 400, and the documented 400 errors with HTTP 422; the bodies are unchanged", all},
		{driftHTMLErrorPage, `every error is a "gateway" page: HTTP 503, Content-Type text/html, an HTML body`, all},
		{driftNoContentType, "every error body is sent without a Content-Type header", all},
		{driftEmptyMessage, `every error body's message is ""`, all},
		{driftAcceptBadSig, "a signature that does not verify is accepted (no 40102)", []int{40102}},
		{driftIgnoreTimestamp, "x-timestamp is not checked: absent, not ISO-8601 or skewed is accepted when the signature covers it as sent (no 40101)", []int{40101}},
		{driftNoVelocityLimit, "a second start to the same number inside the velocity window is accepted (no 42901)", []int{42901}},
		{driftServerErrorLong, "a report code longer than 10 characters answers HTTP 500 with 50000 instead of 40001", []int{40001}},
		{driftSlow, "every answer comes after Config.SlowDelay (default 3s): longer than a runner's timeout", all},
	}
}

func driftByName(name string) (Drift, bool) {
	i := slices.IndexFunc(Drifts(), func(d Drift) bool { return d.Name == name })
	if i < 0 {
		return Drift{}, false
	}
	return Drifts()[i], true
}

func driftNames() string {
	var names []string
	for _, d := range Drifts() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}
