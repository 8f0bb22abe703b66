package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// Transport failure kinds: answers that never came, as opposed to answers
// that broke the contract.
const (
	TransportRefused = "refused"
	TransportReset   = "reset"
	TransportTimeout = "timeout"
	TransportTLS     = "tls"
	TransportClosed  = "closed"
	TransportOther   = "other"
)

// TransportError is a request that got no complete answer.
type TransportError struct {
	Kind string
	Err  error
}

func (e *TransportError) Error() string { return "transport: " + e.Kind + ": " + e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// classify names the kind of a transport failure.
func classify(err error) string {
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return TransportRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return TransportReset
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return TransportTimeout
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &recErr), errors.As(err, &alert):
		return TransportTLS
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return TransportClosed
	}
	return TransportOther
}

// answer is a response read within bounds: at most MaxErrorBodySize+1
// bytes of body, whatever the target streams.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
	// Truncated is true when the target sent more than the bound.
	Truncated bool
	// ReadErr is set when the body broke off; the status line did arrive.
	ReadErr error
}

// newHTTPClient returns the client the runner sends with: no redirects
// followed (a 3xx is an answer to judge, and Authorization must not follow
// a redirect to another host), no cookie jar, bounded idle pool.
func newHTTPClient(concurrency int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = concurrency * 2
	tr.MaxIdleConnsPerHost = concurrency * 2
	tr.MaxConnsPerHost = 0
	tr.ResponseHeaderTimeout = 0 // the per-request context bounds everything
	tr.ForceAttemptHTTP2 = true
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// do sends req once within timeout and reads a bounded answer.
func do(ctx context.Context, client *http.Client, req *http.Request, timeout time.Duration) (*answer, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return nil, &TransportError{Kind: classify(err), Err: err}
	}
	defer resp.Body.Close()
	a := &answer{Status: resp.StatusCode, Header: resp.Header}
	a.Body, a.ReadErr = io.ReadAll(io.LimitReader(resp.Body, contracts.MaxErrorBodySize+1))
	if len(a.Body) > contracts.MaxErrorBodySize {
		a.Body, a.Truncated = a.Body[:contracts.MaxErrorBodySize], true
	}
	if a.ReadErr != nil && len(a.Body) == 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, &TransportError{Kind: TransportTimeout, Err: a.ReadErr}
	}
	return a, nil
}

// retryAfter returns the delay a 429 answer asks for, capped, or a default.
func retryAfter(h http.Header, def, limit time.Duration) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if d, err := time.ParseDuration(v + "s"); err == nil && d >= 0 {
			return min(d, limit)
		}
		if t, err := http.ParseTime(v); err == nil {
			return min(max(time.Until(t), 0), limit)
		}
	}
	return def
}
