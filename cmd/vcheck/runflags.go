package main

import (
	"strconv"
	"strings"
)

// parseCodes reads a comma-separated list of documented codes for --flag.
func parseCodes(flag, s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 10000 || n > 99999 {
			return nil, usagef("--%s: %q is not a five-digit error code", flag, strings.TrimSpace(part))
		}
		out = append(out, n)
	}
	return out, nil
}

// parseShard reads --shard I/N; "" is no split.
func parseShard(s string) (i, n int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, usagef("--shard %q: want I/N with 1 <= I <= N, e.g. 2/4", s)
	}
	return i, n, nil
}
