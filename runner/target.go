package runner

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Target is where requests go.
type Target struct {
	// URL is the base URL, without a trailing slash; paths are appended.
	URL string
	// Embedded is true for the in-process mock vcheck starts itself.
	Embedded bool
	// Loopback is true when the host is a loopback address or "localhost":
	// nothing sent there reaches the real API.
	Loopback bool
}

// ParseTarget checks a --target URL: http or https, a host, no query, no
// user info (credentials go in --key/--secret, never in a URL that reports
// would print).
func ParseTarget(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") { // may hold credentials: do not echo it
			return Target{}, fmt.Errorf("--target: not a valid URL")
		}
		return Target{}, fmt.Errorf("--target %q: not a valid URL", raw)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return Target{}, fmt.Errorf("--target %q: want an http:// or https:// URL", raw)
	case u.Host == "":
		return Target{}, fmt.Errorf("--target %q: no host", raw)
	case u.User != nil:
		return Target{}, fmt.Errorf("--target: credentials in the URL are not allowed; use --key/--secret or SINCH_APPLICATION_KEY/SINCH_APPLICATION_SECRET")
	case u.RawQuery != "" || u.Fragment != "":
		return Target{}, fmt.Errorf("--target %q: no query or fragment, please", raw)
	}
	return Target{URL: strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), Loopback: isLoopbackHost(u.Hostname())}, nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.IsLoopback()
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return false
}
