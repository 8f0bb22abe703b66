package mock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// The timeouts of NewHTTPServer: generous for any client on loopback,
// short enough that a stuck or slow client cannot hold a connection.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 60 * time.Second
	MaxHeaderBytes    = 64 << 10
)

// NewHTTPServer returns an http.Server for h on addr with every timeout set
// (ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout) and
// MaxHeaderBytes; the request body limit is the mock's own (MaxBodyBytes).
// For a mock with the slow drift, WriteTimeout is stretched past its delay
// so that the late answer still gets written.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	write := WriteTimeout
	if s, ok := h.(*Server); ok && s.hooks.writeTimeout != nil {
		write = s.hooks.writeTimeout(s, write)
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      write,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// Running is a mock served on a loopback port.
type Running struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234, without a trailing
	// slash: append the documented paths.
	URL string
	// Server is the mock being served.
	Server *Server

	srv  *http.Server
	done chan struct{}
	err  error // Serve's result, set before done closes
	stop func() bool
}

// Start serves a mock configured by cfg on 127.0.0.1 on a free port, until
// ctx is done or Close or Shutdown is called.
func Start(ctx context.Context, cfg Config) (*Running, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mock: listen on 127.0.0.1: %w", err)
	}
	srv := NewHTTPServer(ln.Addr().String(), s)
	r := &Running{URL: "http://" + ln.Addr().String(), Server: s, srv: srv, done: make(chan struct{})}
	go func() {
		err := srv.Serve(ln)
		if !errors.Is(err, http.ErrServerClosed) {
			r.err = err
		}
		close(r.done)
	}()
	r.stop = context.AfterFunc(ctx, func() { _ = srv.Close() })
	return r, nil
}

// Close stops the server at once, closing every connection, and waits for
// it to stop.
func (r *Running) Close() error {
	r.stop()
	err := r.srv.Close()
	<-r.done
	return errors.Join(err, r.err)
}

// Shutdown stops the server gracefully: it stops accepting, lets the
// requests in flight finish until ctx is done, then waits for it to stop.
func (r *Running) Shutdown(ctx context.Context) error {
	r.stop()
	err := r.srv.Shutdown(ctx)
	if err != nil {
		_ = r.srv.Close()
	}
	<-r.done
	return errors.Join(err, r.err)
}
