package proxy

import (
	"net/http"
	"strings"
)

// methodOverrides are the headers and the query parameter by which servers
// and gateways let a request stand for another method: a GET that says
// "X-HTTP-Method-Override: POST" is a start to a server that honours it.
var methodOverrides = []string{"X-Http-Method-Override", "X-Http-Method", "X-Method-Override", "X-Original-Method"}

// methodParams are query parameters some frameworks read as the method.
var methodParams = []string{"_method"}

// sideEffectFree are the methods of the API that cannot start a
// verification: status lookups (GET), reports (PUT), and methods the API
// does not route. Compared without case, as a lenient server compares them.
var sideEffectFree = []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions}

// mayStart reports whether the upstream could take r as a start and
// returns the method it could take it as. The decision is on the method
// alone, never on the path: the API's one POST route is the start, and
// every path the proxy and the upstream could normalise differently (dot
// segments, repeated or encoded slashes, case, ";" parameters, double
// percent-encoding, another base path such as the legacy host's) is a way
// around a guard that compares paths. A false refusal costs a user a flag;
// a false forward costs a real SMS. So any method, override header or
// method parameter that is not one of sideEffectFree counts as a start.
func mayStart(r *http.Request) (string, bool) {
	if m, ok := startMethod(r.Method); ok {
		return m, true
	}
	for _, h := range methodOverrides {
		for _, v := range r.Header.Values(h) {
			if m, ok := startMethod(v); ok {
				return m, true
			}
		}
	}
	q := r.URL.Query() // lenient: an unparsable pair is dropped, the rest kept
	for k, vs := range q {
		for _, p := range methodParams {
			if !strings.EqualFold(k, p) {
				continue
			}
			for _, v := range vs {
				if m, ok := startMethod(v); ok {
					return m, true
				}
			}
		}
	}
	return "", false
}

// startMethod reports whether the method named by v could be a start.
func startMethod(v string) (string, bool) {
	m := strings.TrimSpace(v)
	for _, safe := range sideEffectFree {
		if strings.EqualFold(m, safe) {
			return "", false
		}
	}
	return m, true
}
