package proxy

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// compiled is a rule with its regular expressions and counts.
type compiled struct {
	Rule
	res     []*regexp.Regexp // per condition; nil unless Op is OpMatch
	matched int
	fired   int
}

func compile(r Rule) *compiled {
	c := &compiled{Rule: r, res: make([]*regexp.Regexp, len(r.Conditions))}
	for i, cond := range r.Conditions {
		if cond.Op == OpMatch {
			c.res[i] = regexp.MustCompile(cond.Value) // Validate (New, NewSession) checked it
		}
	}
	return c
}

func matches(c *compiled, r *http.Request, jsonBody func() (any, error)) bool {
	if c.Method != "*" && c.Method != r.Method {
		return false
	}
	if !pathMatches(c.Path, r.URL.Path) {
		return false
	}
	for i, cond := range c.Conditions {
		var v string
		var present bool
		switch cond.On {
		case FieldHeader:
			vals := r.Header.Values(cond.Name)
			present = len(vals) > 0
			v = strings.Join(vals, ", ")
		case FieldBody:
			doc, err := jsonBody()
			if err != nil {
				return false
			}
			v, present = pointer(doc, cond.Name)
		}
		switch {
		case !present:
			return false
		case cond.Op == OpEqual && v != cond.Value:
			return false
		case cond.Op == OpMatch && !c.res[i].MatchString(v):
			return false
		}
	}
	return true
}

// pathMatches matches a path pattern: "*" one segment, a last "..." any rest.
func pathMatches(pattern, path string) bool {
	if pattern == "*" {
		return true
	}
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	xs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, seg := range ps {
		if seg == "..." && i == len(ps)-1 {
			return true
		}
		if i >= len(xs) {
			return false
		}
		if seg == "*" {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if seg != xs[i] {
			return false
		}
	}
	return len(xs) == len(ps)
}

// pointer resolves a JSON pointer: a string as is, any other value as
// compact JSON.
func pointer(doc any, ptr string) (string, bool) {
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return "", false
			}
			cur = v[i]
		default:
			return "", false
		}
	}
	if s, ok := cur.(string); ok {
		return s, true
	}
	b, _ := json.Marshal(cur)
	return string(b), true
}
