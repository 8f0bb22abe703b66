package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// forward sends the request to the upstream and reads its answer, bounded.
// On failure it answers a proxy error and reports false.
func (p *Proxy) forward(ac *attemptCtx, w http.ResponseWriter, r *http.Request, body []byte) (*answer, bool) {
	if m, ok := mayStart(r); ok && !p.loopback && !p.cfg.AllowSideEffects {
		ac.a.Outcome, ac.a.ProxyError, ac.a.Status = OutProxyError, string(KindSideEffects), http.StatusForbidden
		proxyError(w, http.StatusForbidden, KindSideEffects, "not forwarding a %.20q request to the non-loopback upstream %s: it could start a real verification; pass --allow-side-effects to allow it", m, p.up.Host)
		return nil, false
	}
	ctx, cancel := context.WithTimeout(r.Context(), UpstreamTimeout)
	defer cancel()
	if p.cfg.Handler != nil {
		return p.forwardInProcess(ctx, ac, w, r, body)
	}
	target := p.up.Scheme + "://" + p.up.Host + p.up.EscapedPath() + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	out, err := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(body))
	if err != nil {
		ac.a.Outcome, ac.a.ProxyError, ac.a.Status = OutProxyError, string(KindBadRequest), http.StatusBadRequest
		proxyError(w, http.StatusBadRequest, KindBadRequest, "cannot forward: %v", err)
		return nil, false
	}
	endToEnd(out.Header, r.Header)
	out.ContentLength = int64(len(body))
	resp, err := p.client.Do(out)
	if err != nil {
		if r.Context().Err() != nil {
			ac.sawHangUp(p.cfg.Now())
			ac.a.Outcome = OutClientGone
			return nil, false
		}
		ac.a.Outcome, ac.a.ProxyError, ac.a.Status = OutProxyError, string(KindUpstreamUnreachable), http.StatusBadGateway
		proxyError(w, http.StatusBadGateway, KindUpstreamUnreachable, "upstream %s: %v", p.up.Host, errors.Unwrap(err))
		return nil, false
	}
	defer resp.Body.Close()
	ac.a.Upstream = true
	ac.a.UpstreamStatus = resp.StatusCode
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxUpstreamBody+1))
	if err != nil || len(b) > MaxUpstreamBody {
		upstreamAnswerError(ac, w)
		return nil, false
	}
	h := make(http.Header, len(resp.Header))
	endToEnd(h, resp.Header)
	delete(h, "Content-Length") // the proxy sets its own
	return &answer{status: resp.StatusCode, header: h, body: b}, true
}

func upstreamAnswerError(ac *attemptCtx, w http.ResponseWriter) {
	ac.a.Outcome, ac.a.ProxyError, ac.a.Status = OutProxyError, string(KindUpstreamAnswer), http.StatusBadGateway
	proxyError(w, http.StatusBadGateway, KindUpstreamAnswer, "upstream answer unreadable or over %d bytes", MaxUpstreamBody)
}

// forwardInProcess hands the request to the in-process upstream
// (Config.Handler) and captures its answer, bounded as over HTTP. The
// request keeps its Host, so links in the answer name the proxy.
func (p *Proxy) forwardInProcess(ctx context.Context, ac *attemptCtx, w http.ResponseWriter, r *http.Request, body []byte) (*answer, bool) {
	in := r.WithContext(ctx)
	in.Header = make(http.Header, len(r.Header))
	endToEnd(in.Header, r.Header)
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.ContentLength = int64(len(body))
	in.TransferEncoding = nil
	in.Close = false
	capt := &captured{header: http.Header{}}
	if v := callHandler(p.cfg.Handler, capt, in); v != nil {
		ac.a.Outcome, ac.a.ProxyError, ac.a.Status = OutProxyError, string(KindUpstreamAnswer), http.StatusBadGateway
		proxyError(w, http.StatusBadGateway, KindUpstreamAnswer, "the in-process upstream failed: %v", v)
		return nil, false
	}
	if capt.over {
		upstreamAnswerError(ac, w)
		return nil, false
	}
	if capt.status == 0 {
		capt.status = http.StatusOK
	}
	ac.a.Upstream = true
	ac.a.UpstreamStatus = capt.status
	if r.Context().Err() != nil { // the client left while the upstream ran
		ac.sawHangUp(p.cfg.Now())
		ac.a.Outcome = OutClientGone
		return nil, false
	}
	h := make(http.Header, len(capt.header))
	endToEnd(h, capt.header)
	delete(h, "Content-Length") // the proxy sets its own
	return &answer{status: capt.status, header: h, body: capt.body}, true
}

// callHandler runs h and returns what it panicked with, if it did: for
// the client that is a broken answer (502 upstream-answer), as a broken
// connection would be over HTTP, not a crash of the proxy.
func callHandler(h http.Handler, w http.ResponseWriter, r *http.Request) (panicked any) {
	defer func() { panicked = recover() }()
	h.ServeHTTP(w, r)
	return nil
}

// captured is the ResponseWriter of the in-process upstream: it keeps the
// status, the headers and at most MaxUpstreamBody bytes of the body.
type captured struct {
	header http.Header
	status int
	body   []byte
	over   bool
}

func (c *captured) Header() http.Header { return c.header }

func (c *captured) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *captured) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if len(c.body)+len(b) > MaxUpstreamBody {
		c.over = true
		return 0, errAnswerTooLarge
	}
	c.body = append(c.body, b...)
	return len(b), nil
}

var errAnswerTooLarge = fmt.Errorf("upstream answer over %d bytes", MaxUpstreamBody)

// endToEnd copies the end-to-end headers of src into dst: neither the
// hop-by-hop ones nor those the Connection header names (RFC 9110 section
// 7.6.1), which concern only one connection and stop at the proxy.
func endToEnd(dst, src http.Header) {
	var named []string
	for _, v := range src["Connection"] {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				named = append(named, http.CanonicalHeaderKey(f))
			}
		}
	}
	for k, v := range src {
		if !hopHeader(k) && !slices.Contains(named, k) {
			dst[k] = v
		}
	}
}

func hopHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade", HeaderSession:
		return true
	}
	return false
}
