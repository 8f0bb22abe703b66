package conformance

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// Case is one request with exactly one documented defect (or none, for a
// control case), the readable sentence that names the defect, and what the
// documentation says the answer must be. A Case is data: it holds no
// timestamp, signature or secret, so the same seed draws the same Case.
type Case struct {
	// Family is the family and variant, e.g. "40005/no-plus".
	Family string
	// Defect says in one sentence what is wrong with the request, e.g.
	// `endpoint "447700900123" lacks the leading plus`.
	Defect string
	// Setup are requests sent first, in order, on the same target; each
	// must succeed or the case is inconclusive (see SetupError).
	Setup []Step
	// Request is the request under test.
	Request Request
	// Expect is what the documentation owes for Request.
	Expect Expectation
	// Seed is the seed the case was drawn from (0 when not drawn by Draw),
	// and Shrunk is set on a case that Shrink minimised from that seed.
	Seed   uint64
	Shrunk bool

	// base is the valid request the defect was applied to (nil for control,
	// stateful and magic cases); the property tests check that Request
	// differs from it by exactly the defect.
	base *Request
}

// Step is a setup request and the values to capture from its answer.
type Step struct {
	Request Request
	// Capture maps a placeholder name to a top-level string field of the
	// JSON answer, e.g. {"id": "id"} makes "{id}" usable in later paths.
	Capture map[string]string
}

// Expectation is what the documentation owes for a request. It is stated
// before any errata policy: Judge applies the policy.
type Expectation struct {
	// Success is set on control cases: the request is well formed and a
	// 2xx answer is owed.
	Success bool
	// HTTPStatus is the documented HTTP status of the error.
	HTTPStatus int
	// Codes are the documented error codes for the defect, by their
	// headings. More than one only where the documentation itself allows
	// either (an empty report code is both invalid and missing).
	Codes []int
	// Note explains a choice the documentation leaves open, if any.
	Note string
}

// Build makes the request under test for a case without Setup (see Send
// for cases with Setup): the timestamp and signature are computed from now.
func (c Case) Build(ctx context.Context, baseURL string, cred contracts.Credentials, now time.Time) (*http.Request, error) {
	if len(c.Setup) > 0 {
		return nil, fmt.Errorf("case %s has %d setup steps: use Send", c.Family, len(c.Setup))
	}
	return c.Request.Build(ctx, baseURL, cred, now, nil)
}

// Code returns the family's code: the number before the slash of Family,
// or 0 for control and stateful families.
func (c Case) Code() int {
	head, _, _ := strings.Cut(c.Family, "/")
	var n int
	if _, err := fmt.Sscanf(head, "%d", &n); err != nil {
		return 0
	}
	return n
}

// String reads like a sentence: family, method, path and defect.
func (c Case) String() string {
	want := "want 2xx"
	if !c.Expect.Success {
		want = fmt.Sprintf("want HTTP %d errorCode %s", c.Expect.HTTPStatus, codeList(c.Expect.Codes))
	}
	s := fmt.Sprintf("%s: %s %s: %s; %s", c.Family, c.Request.Method, c.Request.Path, c.Defect, want)
	if len(c.Setup) > 0 {
		steps := make([]string, len(c.Setup))
		for i, st := range c.Setup {
			steps[i] = st.Request.Method + " " + st.Request.Path
		}
		s += " (after " + strings.Join(steps, ", ") + ")"
	}
	return s
}

// GoString is String: rapid logs a drawn case with %#v, and the sentence
// reads better than the struct (whose body is a byte slice).
func (c Case) GoString() string { return c.String() }

func codeList(codes []int) string {
	if len(codes) == 1 {
		return fmt.Sprint(codes[0])
	}
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprint(c)
	}
	return "one of [" + strings.Join(parts, " ") + "]"
}

// clientFault reports whether every expected code is one a client causes
// (4xx), so that a 5xx answer blames the server.
func (e Expectation) clientFault() bool {
	if e.Success {
		return true
	}
	return e.HTTPStatus >= 400 && e.HTTPStatus < 500 && !slices.ContainsFunc(e.Codes, func(c int) bool { return c >= 50000 })
}
