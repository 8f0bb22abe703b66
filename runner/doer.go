package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/vcheck/vcheck/conformance"
)

// errBudget is returned once the request budget is spent.
var errBudget = errors.New("request budget spent")

// doer is the one way the runner sends HTTP: it applies the token bucket,
// the request budget and the per-request timeout, and re-sends a request
// that met a transport failure a bounded number of times when a re-send
// cannot repeat an effect (see noResend). It never retries an answer,
// whatever its status.
type doer struct {
	client  *http.Client
	limiter *rate.Limiter // nil: no bound
	budget  int64         // 0: no bound
	used    atomic.Int64
	timeout time.Duration
	retries int
	// retried counts re-sends after transport failures.
	retried atomic.Int64
}

// take reserves one request of the budget.
func (d *doer) take() bool {
	n := d.used.Add(1)
	if d.budget > 0 && n > d.budget {
		d.used.Add(-1)
		return false
	}
	return true
}

// left reports how many requests the budget still allows (-1: no bound).
func (d *doer) left() int64 {
	if d.budget == 0 {
		return -1
	}
	return max(d.budget-d.used.Load(), 0)
}

// Do sends req; see send.
func (d *doer) Do(req *http.Request) (*http.Response, error) { return d.send(req, nil) }

// sendCase sends c through d. A body that broke off after the status line
// (a reset, a timeout mid-body) is a transport failure, not an answer.
func sendCase(ctx context.Context, d *doer, target conformance.Target, c conformance.Case) (*conformance.Response, error) {
	cd := &caseDoer{d: d}
	resp, err := conformance.Send(ctx, cd, target, c)
	if err == nil && cd.bodyErr != nil {
		err = cd.bodyErr
	}
	return resp, err
}

// caseDoer is the doer as one case sees it: it remembers a body that broke
// off (reset, timeout mid-body), which is a transport failure even though
// the status line arrived.
type caseDoer struct {
	d       *doer
	bodyErr error
}

func (c *caseDoer) Do(req *http.Request) (*http.Response, error) {
	return c.d.send(req, func(err error) {
		if c.bodyErr == nil {
			c.bodyErr = err
		}
	})
}

// send sends req. The returned body is bounded by the timeout too: the
// request's context is cancelled when the body is closed. onBodyErr, when
// set, hears of a body that failed to read.
func (d *doer) send(req *http.Request, onBodyErr func(error)) (*http.Response, error) {
	var lastErr error
	for attempt := 0; attempt <= d.retries; attempt++ {
		if attempt > 0 {
			d.retried.Add(1)
			if err := sleep(req.Context(), time.Duration(attempt*attempt)*100*time.Millisecond); err != nil {
				return nil, err
			}
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				req = req.Clone(req.Context())
				req.Body = body
			}
		}
		if !d.take() {
			return nil, errBudget
		}
		if d.limiter != nil {
			if err := d.limiter.Wait(req.Context()); err != nil {
				return nil, err
			}
		}
		ctx, cancel := context.WithTimeout(req.Context(), d.timeout)
		resp, err := d.client.Do(req.WithContext(ctx))
		if err == nil {
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel, onErr: onBodyErr}
			return resp, nil
		}
		cancel()
		if req.Context().Err() != nil { // the run itself was stopped
			return nil, req.Context().Err()
		}
		te := &TransportError{Kind: classify(err), Err: err}
		if why := noResend(req, err); why != "" && attempt < d.retries {
			te.NotResent = why
			return nil, te
		}
		lastErr = te
	}
	return nil, lastErr
}

// noResend says why req must not be sent again after err, or "" when a
// re-send is harmless: the failure came while dialing, before a byte of
// the request was written (connection refused, no such host), or the
// method is safe (GET, HEAD, OPTIONS). Anything else may have reached the
// target, which may have executed it before the connection broke: a second
// start would start a second verification (a second SMS or call, charged,
// reaching a person), a second report would count as another attempt. Such
// a case is reported as a transport failure, not judged, rather than
// risked twice.
func noResend(req *http.Request, err error) string {
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.As(err, &op) && op.Op == "dial", errors.As(err, &dns):
		return ""
	case req.Method == http.MethodGet, req.Method == http.MethodHead, req.Method == http.MethodOptions:
		return ""
	case req.Method == http.MethodPost:
		return "not re-sent: a start may have reached the target"
	case req.Method == http.MethodPut:
		return "not re-sent: a report may have reached the target"
	}
	return "not re-sent: a " + req.Method + " may have reached the target"
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
	onErr  func(error)
}

func (c *cancelOnClose) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		// A body that stalls past the timeout or is reset is a transport
		// failure, not an answer to judge.
		err = &TransportError{Kind: classify(err), Err: err}
		if c.onErr != nil {
			c.onErr(err)
		}
	}
	return n, err
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
