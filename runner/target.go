package runner

import (
	"strings"

	"github.com/vcheck/vcheck/internal/loopback"
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

// ParseTarget checks a --target URL (loopback.ParseBaseURL: http or https,
// a host, no query, no user info: credentials go in --key/--secret, never in
// a URL that reports would print).
func ParseTarget(raw string) (Target, error) { return parseTarget("target", raw) }

// parseTarget is ParseTarget with the errors naming the URL as name does.
func parseTarget(name, raw string) (Target, error) {
	u, err := loopback.ParseBaseURL(name, raw)
	if err != nil {
		return Target{}, err
	}
	return Target{URL: strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), Loopback: loopback.URL(u)}, nil
}
