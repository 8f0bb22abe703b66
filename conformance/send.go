package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// Doer sends one HTTP request; *http.Client is one. A runner passes its own
// to add rate limiting, budgets and timeouts.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Target is where Send sends a case.
type Target struct {
	// BaseURL is the scheme, host and optional path prefix, e.g.
	// "http://127.0.0.1:8080".
	BaseURL string
	// Credentials sign the requests; they never appear in what Send returns.
	Credentials contracts.Credentials
	// Now is the clock used for x-timestamp; nil means time.Now.
	Now func() time.Time
}

func (t Target) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// SetupError says that a setup step of a case did not succeed, so the case
// is inconclusive: it tells nothing about the defect under test.
type SetupError struct {
	// Step is the index of the failed step in Case.Setup.
	Step   int
	Method string
	Path   string
	// Response is the answer, nil when the step could not be sent.
	Response *Response
	// Err is the transport or capture error, if any.
	Err error
}

func (e *SetupError) Error() string {
	switch {
	case e.Err != nil:
		return fmt.Sprintf("setup step %d (%s %s): %v", e.Step+1, e.Method, e.Path, e.Err)
	case e.Response != nil && e.Response.Error != nil && e.Response.Error.Code != 0:
		return fmt.Sprintf("setup step %d (%s %s): HTTP %d errorCode %d", e.Step+1, e.Method, e.Path, e.Response.HTTPStatus, e.Response.Error.Code)
	case e.Response != nil:
		return fmt.Sprintf("setup step %d (%s %s): HTTP %d", e.Step+1, e.Method, e.Path, e.Response.HTTPStatus)
	}
	return fmt.Sprintf("setup step %d (%s %s) failed", e.Step+1, e.Method, e.Path)
}

func (e *SetupError) Unwrap() error { return e.Err }

// maxCaptureBody bounds what Send reads of a setup step's answer.
const maxCaptureBody = 64 << 10

// Send runs a case against a target: its setup steps in order (each must
// answer 2xx, and its captures must be found, or Send returns a
// *SetupError), then the request under test, whose answer it reads and
// returns. Timestamps and signatures are computed just before each request
// is sent. A transport error on the request under test is returned as is;
// it is not a finding.
func Send(ctx context.Context, d Doer, t Target, c Case) (*Response, error) {
	vars := Vars{}
	for i, st := range c.Setup {
		if err := runStep(ctx, d, t, st, vars); err != nil {
			var se *SetupError
			if errors.As(err, &se) {
				se.Step = i
			}
			return nil, err
		}
	}
	req, err := c.Request.Build(ctx, t.BaseURL, t.Credentials, t.now(), vars)
	if err != nil {
		return nil, err
	}
	resp, err := d.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r := ReadResponse(resp)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // let the connection be reused
	return r, nil
}

func runStep(ctx context.Context, d Doer, t Target, st Step, vars Vars) error {
	fail := func(r *Response, err error) error {
		return &SetupError{Method: st.Request.Method, Path: st.Request.Path, Response: r, Err: err}
	}
	req, err := st.Request.Build(ctx, t.BaseURL, t.Credentials, t.now(), vars)
	if err != nil {
		return fail(nil, err)
	}
	resp, err := d.Do(req)
	if err != nil {
		return fail(nil, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCaptureBody))
	if err != nil {
		return fail(nil, fmt.Errorf("reading the answer: %w", err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail(NewResponse(resp.StatusCode, resp.Header, body), nil)
	}
	if len(st.Capture) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return fail(nil, fmt.Errorf("answer is not a JSON object: %w", err))
	}
	for name, field := range st.Capture {
		var v string
		if err := json.Unmarshal(fields[field], &v); err != nil || v == "" {
			return fail(nil, fmt.Errorf("answer has no string %q to capture", field))
		}
		vars[name] = v
	}
	return nil
}
