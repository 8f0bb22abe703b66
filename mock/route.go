package mock

import (
	"net/http"
	"net/url"
	"strings"
)

// The documented paths (facts.md section 3), served at the root: the Node
// SDK joins its host and the path by concatenation.
const (
	pathStart       = "/verification/v1/verifications"
	pathByID        = pathStart + "/id/"
	pathByNumber    = pathStart + "/number/"
	pathByReference = pathStart + "/reference/"
)

// operation is one documented operation.
type operation uint8

const (
	opNone operation = iota
	opStart
	opReportByID
	opReportByNumber
	opStatusByID
	opStatusByIdentity
	opStatusByReference
)

// match is a routed request: its operation and the path's parameter.
type match struct {
	op     operation
	param  string // the id, number or reference, unescaped
	method method // status by identity only
	// allow lists the methods of a known path, for a 40400 to another method.
	allow string
}

// route maps a request to an operation. The path is split on its escaped
// form, so that an escaped slash stays inside its segment, and each segment
// is then unescaped. The id form is decided by its first segment alone:
// /verifications/id/{id} is never /{method}/number/{endpoint}, whatever the
// id; the identity form takes a documented method only (no "id", "number"
// or "reference"), and there is no legacy /{type}/{endpoint} form.
func route(httpMethod, escapedPath string) match {
	if escapedPath == pathStart {
		return pick(httpMethod, match{allow: http.MethodPost}, http.MethodPost, opStart)
	}
	rest, ok := strings.CutPrefix(escapedPath, pathStart+"/")
	if !ok {
		return match{}
	}
	segs := strings.Split(rest, "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return match{}
		}
		segs[i] = u
	}
	switch {
	case len(segs) == 2 && segs[0] == "id":
		m := match{param: segs[1], allow: "GET, PUT"}
		switch httpMethod {
		case http.MethodGet:
			m.op = opStatusByID
		case http.MethodPut:
			m.op = opReportByID
		}
		return m
	case len(segs) == 2 && segs[0] == "number":
		return pick(httpMethod, match{param: segs[1], allow: http.MethodPut}, http.MethodPut, opReportByNumber)
	case len(segs) == 2 && segs[0] == "reference":
		return pick(httpMethod, match{param: segs[1], allow: http.MethodGet}, http.MethodGet, opStatusByReference)
	case len(segs) == 3 && segs[1] == "number":
		vm, ok := parseMethod(segs[0])
		if !ok {
			return match{}
		}
		return pick(httpMethod, match{param: segs[2], method: vm, allow: http.MethodGet}, http.MethodGet, opStatusByIdentity)
	}
	return match{}
}

// pick sets m's operation when the request's method is the one the path
// takes.
func pick(got string, m match, want string, op operation) match {
	if got == want {
		m.op = op
	}
	return m
}
