package openapi

import (
	"fmt"
	"strings"
)

// routeNode is one path segment of the route tree: literal children by
// segment, at most one parameter child, and the operation that ends here.
type routeNode struct {
	literal map[string]*routeNode
	param   *routeNode
	op      int // index into Document.ops plus one; 0 when no operation ends here
}

func (o *Document) buildRoutes() error {
	o.routes = map[string]*routeNode{}
	for i, op := range o.ops {
		n := o.routes[op.Method]
		if n == nil {
			n = &routeNode{}
			o.routes[op.Method] = n
		}
		for _, seg := range strings.Split(strings.TrimPrefix(op.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				if n.param == nil {
					n.param = &routeNode{}
				}
				n = n.param
				continue
			}
			if n.literal == nil {
				n.literal = map[string]*routeNode{}
			}
			next := n.literal[seg]
			if next == nil {
				next = &routeNode{}
				n.literal[seg] = next
			}
			n = next
		}
		if n.op != 0 {
			return fmt.Errorf("openapi document: %s %s and %s %s match the same requests", op.Method, o.ops[n.op-1].Path, op.Method, op.Path)
		}
		n.op = i + 1
	}
	return nil
}

// MatchOperation returns the operation a request with this method (upper
// case, e.g. "GET") and URL path (a query after '?' is ignored) is routed to.
//
// Literal segments win over parameters, without backtracking: once a path
// segment matches a literal of the route tree, no template with a parameter
// at that position is tried. So a path under
// /verification/v1/verifications/id/ is only ever an id route, never
// /{method}/number/{endpoint} with the method "id" (which a decoded id such
// as "number/+46700000000" would otherwise make it). A parameter matches one
// non-empty segment as sent: percent-encoding is not decoded.
func (o *Document) MatchOperation(method, path string) (Operation, bool) {
	path, _, _ = strings.Cut(path, "?")
	n := o.routes[method]
	if n == nil || !strings.HasPrefix(path, "/") {
		return Operation{}, false
	}
	for _, seg := range strings.Split(path[1:], "/") {
		if next, ok := n.literal[seg]; ok {
			n = next
			continue
		}
		if n.param == nil || seg == "" {
			return Operation{}, false
		}
		n = n.param
	}
	if n.op == 0 {
		return Operation{}, false
	}
	return o.ops[n.op-1].clone(), true
}
