// Command loadtest measures the throughput of vcheck's mock beside a bare
// net/http handler that writes the same canned body, in the same run, on
// loopback only. Each server runs in its own child process (this program
// re-executed), so that its RSS is its own and the load generator's CPU is
// not counted as the server's memory.
//
// The request is a signed start whose number lacks its leading plus: the
// mock verifies the signature, parses the body and answers 40005; the bare
// handler reads the body and answers the same bytes without looking.
//
//	go run ./mock/internal/loadtest                  # Go load generator, 32 connections, 3 rounds of 10 s each
//	go run ./mock/internal/loadtest -gen wrk         # the same with wrk (apt-get install wrk)
//
// Every run is bounded: -d per measurement, -rounds measurements per
// server, -n requests at most per measurement (Go generator).
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
	"github.com/vcheck/vcheck/mock"
)

const (
	path = "/verification/v1/verifications"
	body = `{"identity":{"type":"number","endpoint":"447700900123"},"method":"sms"}`
)

func main() {
	child := flag.String("child", "", "internal: serve mock or bare on 127.0.0.1 and print the URL")
	gen := flag.String("gen", "go", "load generator: go or wrk")
	dur := flag.Duration("d", 10*time.Second, "duration of one measurement")
	conns := flag.Int("c", 32, "concurrent connections")
	threads := flag.Int("t", 2, "wrk threads")
	rounds := flag.Int("rounds", 3, "measurements per server, alternating")
	maxReq := flag.Int("n", 5_000_000, "at most this many requests per measurement (Go generator)")
	flag.Parse()
	if *child != "" {
		if err := serveChild(*child); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*gen, *dur, *conns, *threads, *rounds, *maxReq); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// serveChild serves one handler on a free loopback port until stdin closes.
func serveChild(kind string) error {
	var h http.Handler
	switch kind {
	case "mock":
		s, err := mock.New(mock.Config{})
		if err != nil {
			return err
		}
		h = s
	case "bare":
		canned, _ := fixtures.Golden(40005)
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(canned)
		})
	default:
		return fmt.Errorf("unknown child %q", kind)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := mock.NewHTTPServer(ln.Addr().String(), h)
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("http://%s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // the parent closes it to stop us
	return srv.Close()
}

// server is a child process serving one handler.
type server struct {
	kind  string
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startServer(kind string) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-child", kind)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("%s child printed no URL: %w", kind, err)
	}
	return &server{kind: kind, url: strings.TrimSpace(line), cmd: cmd, stdin: stdin}, nil
}

func (s *server) stop() {
	_ = s.stdin.Close()
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// memory reads the child's resident set size and its peak, in KiB.
func (s *server) memory() (rss, peak int) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(s.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			peak = n
		}
	}
	return rss, peak
}

// result is one measurement.
type result struct {
	reqs     int
	rps      float64
	p50, p99 time.Duration
	bad      int // answers other than HTTP 400, or transport errors
}

func run(gen string, dur time.Duration, conns, threads, rounds, maxReq int) error {
	if gen != "go" && gen != "wrk" {
		return fmt.Errorf("-gen %q: want go or wrk", gen)
	}
	var wrk string
	if gen == "wrk" {
		var err error
		if wrk, err = exec.LookPath("wrk"); err != nil {
			return fmt.Errorf("-gen wrk: %w (apt-get install wrk)", err)
		}
	}
	servers := map[string]*server{}
	for _, kind := range []string{"mock", "bare"} {
		s, err := startServer(kind)
		if err != nil {
			return err
		}
		defer s.stop()
		servers[kind] = s
	}
	for _, s := range servers {
		if err := preflight(s.url); err != nil {
			return fmt.Errorf("%s: %w", s.kind, err)
		}
	}
	fmt.Printf("loadtest: %s generator, %d connections, %d round(s) of %s per server, loopback\n", gen, conns, rounds, dur)
	all := map[string][]result{}
	for round := range rounds {
		for _, kind := range []string{"mock", "bare"} {
			s := servers[kind]
			var r result
			var err error
			if gen == "wrk" {
				r, err = runWrk(wrk, s.url, dur, conns, threads)
			} else {
				r, err = runGo(s.url, dur, conns, maxReq)
			}
			if err != nil {
				return fmt.Errorf("%s round %d: %w", kind, round+1, err)
			}
			rss, _ := s.memory()
			fmt.Printf("  round %d %-4s %9d requests %9.0f req/s  p50 %-9s p99 %-9s RSS %d MiB  not-400 %d\n",
				round+1, kind, r.reqs, r.rps, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), rss>>10, r.bad)
			all[kind] = append(all[kind], r)
		}
	}
	var ratios []float64 // per round: the two measurements closest in time
	for i := range all["mock"] {
		ratios = append(ratios, all["mock"][i].rps/all["bare"][i].rps)
	}
	slices.Sort(ratios)
	m, b := median(all["mock"]), median(all["bare"])
	_, mockPeak := servers["mock"].memory()
	_, barePeak := servers["bare"].memory()
	fmt.Printf("\n| server | req/s (median) | p99 (median) | peak RSS |\n|---|---|---|---|\n")
	fmt.Printf("| mock (40005 after signature check) | %.0f | %s | %d MiB |\n", m.rps, m.p99.Round(time.Microsecond), mockPeak>>10)
	fmt.Printf("| bare net/http, canned body | %.0f | %s | %d MiB |\n", b.rps, b.p99.Round(time.Microsecond), barePeak>>10)
	fmt.Printf("\nmock/bare throughput: %.0f%% of the medians, %.0f%% median of the rounds' ratios (goal >= 70%%); mock p99 %s (goal <= 10ms); mock peak RSS %d MiB (goal <= 50 MiB)\n",
		100*m.rps/b.rps, 100*ratios[len(ratios)/2], m.p99.Round(time.Microsecond), mockPeak>>10)
	for kind, rs := range all {
		for _, r := range rs {
			if r.bad > 0 {
				return fmt.Errorf("%s answered %d requests with something else than HTTP 400", kind, r.bad)
			}
		}
	}
	return nil
}

// median returns the measurement with the median throughput, with the
// median p99 of all.
func median(rs []result) result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b result) int { return int(a.rps - b.rps) })
	m := s[len(s)/2]
	p := make([]time.Duration, len(rs))
	for i, r := range rs {
		p[i] = r.p99
	}
	slices.Sort(p)
	m.p99 = p[len(p)/2]
	return m
}

// signed returns the Authorization and x-timestamp of the request, valid
// for the mock's 15-minute skew window from now.
func signed() (auth, ts string, err error) {
	ts = time.Now().UTC().Format(contracts.TimestampLayout)
	s, err := contracts.Sign(mock.DefaultCredentials(), http.MethodPost, path, "application/json", ts, []byte(body))
	return s.Authorization, ts, err
}

// preflight sends the request once: the answer must be the golden 40005.
func preflight(base string) error {
	auth, ts, err := signed()
	if err != nil {
		return err
	}
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-timestamp", ts)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	want, _ := fixtures.Golden(40005)
	if resp.StatusCode != http.StatusBadRequest || !bytes.Equal(got, want) {
		return fmt.Errorf("preflight: HTTP %d %s, want 400 %s", resp.StatusCode, got, want)
	}
	return nil
}

// runGo is the Go load generator: conns workers with a keep-alive
// connection each, for dur or maxReq requests.
func runGo(base string, dur time.Duration, conns, maxReq int) (result, error) {
	auth, ts, err := signed()
	if err != nil {
		return result{}, err
	}
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var (
		sent atomic.Int64
		bad  atomic.Int64
		mu   sync.Mutex
		lats []time.Duration
		wg   sync.WaitGroup
	)
	began := time.Now()
	for range conns {
		wg.Go(func() {
			local := make([]time.Duration, 0, 1<<16)
			for ctx.Err() == nil && sent.Add(1) <= int64(maxReq) {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("x-timestamp", ts)
				req.Header.Set("Authorization", auth)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						bad.Add(1)
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				local = append(local, time.Since(t0))
				if resp.StatusCode != http.StatusBadRequest {
					bad.Add(1)
				}
			}
			mu.Lock()
			lats = append(lats, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	if len(lats) == 0 {
		return result{}, errors.New("no answer")
	}
	slices.Sort(lats)
	return result{
		reqs: len(lats),
		rps:  float64(len(lats)) / elapsed.Seconds(),
		p50:  lats[len(lats)/2],
		p99:  lats[len(lats)*99/100],
		bad:  int(bad.Load()),
	}, nil
}

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
	defer os.RemoveAll(dir)
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
