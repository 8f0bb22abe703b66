package contracts

import (
	"fmt"
	"strings"
)

// ParseStatus splits a status string such as "400 ParameterValidation" into
// its HTTP code and its type. It never panics. The code must be three digits
// (100-599) and the type a single non-empty word after exactly one space.
func ParseStatus(s string) (code int, typ string, err error) {
	num, typ, ok := strings.Cut(s, " ")
	if !ok {
		return 0, "", fmt.Errorf("status %q: want \"CODE Type\", e.g. \"400 ParameterValidation\"", s)
	}
	if len(num) != 3 {
		return 0, "", fmt.Errorf("status %q: %q is not a three-digit HTTP code", s, num)
	}
	for _, r := range num {
		if r < '0' || r > '9' {
			return 0, "", fmt.Errorf("status %q: %q is not a three-digit HTTP code", s, num)
		}
		code = code*10 + int(r-'0')
	}
	if code < 100 || code > 599 {
		return 0, "", fmt.Errorf("status %q: %d is not an HTTP status", s, code)
	}
	switch {
	case typ == "":
		return 0, "", fmt.Errorf("status %q: no type after the code", s)
	case strings.ContainsAny(typ, " \t\r\n"):
		return 0, "", fmt.Errorf("status %q: the type %q is not one word", s, typ)
	}
	return code, typ, nil
}
