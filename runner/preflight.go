package runner

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vcheck/vcheck/conformance"
)

// preflightPath is a status lookup of an id that does not exist: correctly
// authenticated it is answered 404 40400 and starts nothing anywhere.
const preflightPath = "/verification/v1/verifications/id/vcheck-preflight"

// preflightResult is what the preflight learned: a transport failure, or
// the documented code of a refusal of the credentials.
type preflightResult struct {
	err     error
	refused string
}

// preflight sends one correctly authenticated request that cannot start
// anything, to learn whether the target answers HTTP at all and whether it
// accepts the credentials. Any answer but 401 will do; a 401 names the
// code (never the secret). A rate-limit answer is waited out once.
func preflight(ctx context.Context, d *doer, t conformance.Target, basic bool) preflightResult {
	auth := conformance.Auth{Scheme: conformance.AuthSigned}
	if basic {
		auth.Scheme = conformance.AuthBasic
	}
	c := conformance.Case{Family: "preflight", Request: conformance.Request{Method: http.MethodGet, Path: preflightPath, Auth: auth}}
	var resp *conformance.Response
	for tries := 0; tries < 2; tries++ {
		r, err := sendCase(ctx, d, t, c)
		if err != nil {
			return preflightResult{err: err}
		}
		resp = r
		if r.HTTPStatus != http.StatusTooManyRequests || sleep(ctx, retryAfter(r.Header, time.Second, 10*time.Second)) != nil {
			break
		}
	}
	if resp.HTTPStatus != http.StatusUnauthorized {
		return preflightResult{}
	}
	answer, hint := "HTTP 401", "check the key, the secret and --auth"
	if e := resp.Error; e != nil && e.Code != 0 {
		answer = fmt.Sprintf("HTTP 401 errorCode %d", e.Code)
		if e.Message != "" {
			answer += fmt.Sprintf(" (%q)", oneLine(e.Message, 80))
		}
		switch e.Code {
		case 40101:
			hint = "the x-timestamp was refused: check this machine's clock"
		case 40102:
			hint = "the signature was refused: check the application secret"
		case 40107:
			hint = "check the application key (and, with --auth basic, the secret)"
		case 40100, 40104:
			hint = "the Authorization header was refused: check --auth"
		}
	}
	return preflightResult{refused: fmt.Sprintf("a correctly signed GET %s was answered %s; %s. Nothing else was sent", preflightPath, answer, hint)}
}
