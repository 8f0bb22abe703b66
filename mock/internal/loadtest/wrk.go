package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// wrkScript sends the request; the signature is fresh for each run. It has
// no response callback, which would cost Lua work per answer: the answers
// are checked by a preflight request and by wrk's count of non-2xx ones.
const wrkScript = `wrk.method = "POST"
wrk.body = %q
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-timestamp"] = %q
wrk.headers["Authorization"] = %q
`

func runWrk(wrk, base string, dur time.Duration, conns, threads int) (result, error) {
	auth, ts, err := signed()
	if err != nil {
		return result{}, err
	}
	dir, err := os.MkdirTemp("", "vcheck-loadtest")
	if err != nil {
		return result{}, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	script := filepath.Join(dir, "request.lua")
	// the Lua script holds a valid signature for the next 15 minutes of the
	// public test credentials: nothing secret
	if err := os.WriteFile(script, fmt.Appendf(nil, wrkScript, body, ts, auth), 0o600); err != nil {
		return result{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(dur.Seconds())), "--latency", "-s", script, base+path).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	var (
		wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
		wrkTotal   = regexp.MustCompile(`([0-9]+) requests in`)
		wrkLat     = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
		wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: ([0-9]+)`)
		wrkSockets = regexp.MustCompile(`Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)`)
	)
	var r result
	if m := wrkRPS.FindSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := wrkTotal.FindSubmatch(out); m != nil {
		r.reqs, _ = strconv.Atoi(string(m[1]))
	}
	for _, m := range wrkLat.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(m[3])]
		d := time.Duration(v * float64(unit))
		if string(m[1]) == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	r.bad = r.reqs // every answer must be a 400: a non-2xx one
	if m := wrkNon2xx.FindSubmatch(out); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		r.bad -= n
	}
	if m := wrkSockets.FindSubmatch(out); m != nil {
		for _, g := range m[1:] {
			n, _ := strconv.Atoi(string(g))
			r.bad += n
		}
	}
	if r.rps == 0 || bytes.Contains(out, []byte("unable to connect")) {
		return result{}, fmt.Errorf("wrk output not understood: %s", out)
	}
	return r, nil
}
