// Package loopback is the one place vcheck decides whether an address stays
// on this machine. That decision gates what may start a real verification
// (a real SMS or call), so the runner, the proxy, the kit and serve's bind
// warning all ask it here, on a parsed host, never with a string prefix:
// "http://127.0.0.1@example.test" is a URL whose host is example.test.
package loopback

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Host reports whether host (a URL's Hostname, or an address without its
// port) is "localhost" or a loopback IP address (127.0.0.0/8, ::1, and the
// IPv4-mapped forms of 127.0.0.0/8). Anything else is not loopback,
// including names that merely resolve to a loopback address today and
// shorthand forms such as "127.1" that some resolvers accept.
func Host(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	return ip.Unmap().IsLoopback()
}

// Addr reports whether a listener's or a connection's address is loopback.
func Addr(a net.Addr) bool {
	if a == nil {
		return false
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		host = a.String()
	}
	return Host(host)
}

// ParseBaseURL checks a base URL given with the named flag (for example
// "--target" or "--upstream"): http or https, a host, no user info, no query
// or fragment; one trailing slash is dropped. Credentials in a URL would be
// printed by every report and banner that names it, so a URL with user info
// is refused and its text is never echoed, nor is a URL that does not parse
// but contains an "@".
func ParseBaseURL(flag, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return nil, fmt.Errorf("%s: not a valid URL", flag)
		}
		return nil, fmt.Errorf("%s %q: not a valid URL", flag, raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s: credentials in the URL are not allowed; use --key/--secret or SINCH_APPLICATION_KEY/SINCH_APPLICATION_SECRET", flag)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%s %q: want an http:// or https:// URL", flag, raw)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%s %q: no host", flag, raw)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("%s %q: no query or fragment, please", flag, raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// URL reports whether u's host is loopback (see Host).
func URL(u *url.URL) bool { return u != nil && Host(u.Hostname()) }
