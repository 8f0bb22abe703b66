package proxy

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// terminate ends the connection without an answer: reset, close or hang.
func (p *Proxy) terminate(s *session, ac *attemptCtx, w http.ResponseWriter, how ActionKind) {
	conn, _, err := hijack(w)
	if err != nil {
		ac.a.Outcome, ac.a.ProxyError = OutProxyError, "cannot hijack: "+err.Error()
		return
	}
	switch how {
	case ActReset:
		resetConn(conn)
		ac.a.Outcome = OutReset
	case ActClose:
		_ = conn.Close()
		ac.a.Outcome = OutClosed
	case ActHang:
		p.hang(s, ac, conn)
		ac.a.Outcome = OutHung
	}
}

// hang holds conn until the client hangs up, max-hang passes or the
// session ends, then closes it; a hang-up is recorded with its time.
func (p *Proxy) hang(s *session, ac *attemptCtx, conn net.Conn) {
	defer conn.Close()
	if !s.hold(conn) {
		return
	}
	defer s.release(conn)
	_ = conn.SetReadDeadline(time.Now().Add(p.cfg.MaxHang))
	buf := make([]byte, 512)
	for {
		if _, err := conn.Read(buf); err != nil {
			var ne net.Error
			if !(errors.As(err, &ne) && ne.Timeout()) {
				ac.sawHangUp(p.cfg.Now())
			}
			return
		}
	}
}

func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the server does not support hijacking (HTTP/2?)")
	}
	return hj.Hijack()
}

// resetConn closes conn with a TCP RST (SO_LINGER 0) where it can.
func resetConn(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// sendPartial writes the status line, the headers with the full
// Content-Length and a fraction of the body, then resets, closes or hangs.
func (p *Proxy) sendPartial(s *session, ac *attemptCtx, w http.ResponseWriter, ans *answer, a *Action) {
	conn, rw, err := hijack(w)
	if err != nil {
		ac.a.Outcome, ac.a.ProxyError = OutProxyError, "cannot hijack: "+err.Error()
		return
	}
	n := int(float64(ans.size()) * a.Fraction)
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\n", ans.status, http.StatusText(ans.status))
	ans.header.Set("Content-Length", strconv.Itoa(ans.size()))
	ans.header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	_ = ans.header.Write(rw)
	_, _ = rw.WriteString("\r\n")
	_ = ans.writeBody(rw, n)
	_ = rw.Flush()
	ac.a.Outcome = OutPartial
	ac.a.BytesSent = n
	switch a.Then {
	case ActReset:
		resetConn(conn)
	case ActClose:
		_ = conn.Close()
	case ActHang:
		p.hang(s, ac, conn)
	}
}
