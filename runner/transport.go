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
	// NotResent says why the request was not sent again although retries
	// were left (it may have reached the target and is not idempotent);
	// empty when it was re-sent as often as allowed.
	NotResent string
}

func (e *TransportError) Error() string {
	s := "transport: " + e.Kind + ": " + e.Err.Error()
	if e.NotResent != "" {
		s += " (" + e.NotResent + ")"
	}
	return s
}
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

// maxRateLimitWait is the longest a case waits on a rate-limit answer it
// did not ask for before it is re-sent, whatever Retry-After says: a run
// must keep moving, and maxRateLimitWaits bounds the re-sends.
const maxRateLimitWait = 10 * time.Second

// retryAfter returns the delay a 429 answer asks for (contracts.ParseRetryAfter,
// the one parser of the header), at most limit; def when the header is
// absent or invalid ("1.5" is invalid: delay-seconds is whole seconds).
func retryAfter(h http.Header, def, limit time.Duration) time.Duration {
	if d, ok := contracts.ParseRetryAfter(h.Get("Retry-After"), time.Now()); ok {
		return min(d, limit)
	}
	return def
}
