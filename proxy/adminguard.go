package proxy

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/vcheck/vcheck/internal/loopback"
)

// adminRefusal says why an admin request is refused ("" : it is not). The
// admin API creates sessions and shows attempts, and a browser will send
// a web page's requests to it: a "simple" cross-origin POST (text/plain)
// needs no preflight, and DNS rebinding gives a page's own host name this
// address. So the Host must name the proxy's own listening address, or a
// loopback name on its port, and a browser's Origin and Sec-Fetch-Site
// must say the request comes from the proxy's own origin.
func adminRefusal(r *http.Request) string {
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ownHost(r.Host, local) {
		return "Host " + truncate(r.Host) + " is not this proxy's address"
	}
	if origins, ok := r.Header["Origin"]; ok {
		for _, o := range origins {
			u, err := url.Parse(o)
			if err != nil || u.Scheme != "http" || u.User != nil || u.Path != "" || u.RawQuery != "" || !ownHost(u.Host, local) {
				return "Origin " + truncate(o) + " is not this proxy's origin"
			}
		}
	}
	for _, v := range r.Header.Values("Sec-Fetch-Site") {
		if v = strings.TrimSpace(strings.ToLower(v)); v != "same-origin" && v != "none" {
			return "Sec-Fetch-Site " + truncate(v) + ": a request from another site"
		}
	}
	return ""
}

// ownHost reports whether hostport names the proxy at local: its own
// address, or a loopback name (see loopback.Host) on its port. Without a
// known local address (the handler called directly, not behind a
// listener) only a loopback name is its own.
func ownHost(hostport string, local net.Addr) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "80"
	}
	if host == "" {
		return false
	}
	if local == nil {
		return loopback.Host(host)
	}
	lhost, lport, err := net.SplitHostPort(local.String())
	if err != nil || port != lport {
		return false
	}
	if loopback.Host(host) {
		return true
	}
	a, err1 := netip.ParseAddr(strings.Trim(host, "[]"))
	b, err2 := netip.ParseAddr(lhost)
	return err1 == nil && err2 == nil && a.Unmap() == b.Unmap()
}

// truncate keeps a refused value short in the answer.
func truncate(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}
