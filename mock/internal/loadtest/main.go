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
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// cpu reads the child's CPU time so far, user and system, from
// /proc/PID/stat (0 where there is none). Unlike req/s it hardly depends
// on what else the machine runs: the server's own cost per request.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(s.cmd.Process.Pid), "stat"))
	if err != nil {
		return 0
	}
	// the fields after the command name, which is in parentheses and may hold spaces
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is the unit of /proc/PID/stat's times (USER_HZ, 100 on Linux).
const clockTicks = 100

// result is one measurement.
type result struct {
	reqs     int
	rps      float64
	p50, p99 time.Duration
	bad      int           // answers other than HTTP 400, or transport errors
	cpu      time.Duration // the server's CPU time per request
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
			cpu0 := s.cpu()
			if gen == "wrk" {
				r, err = runWrk(wrk, s.url, dur, conns, threads)
			} else {
				r, err = runGo(s.url, dur, conns, maxReq)
			}
			if err != nil {
				return fmt.Errorf("%s round %d: %w", kind, round+1, err)
			}
			if r.reqs > 0 {
				r.cpu = (s.cpu() - cpu0) / time.Duration(r.reqs)
			}
			rss, _ := s.memory()
			fmt.Printf("  round %d %-4s %9d requests %9.0f req/s  p50 %-9s p99 %-9s CPU %5.1f µs/req  RSS %d MiB  not-400 %d\n",
				round+1, kind, r.reqs, r.rps, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), micros(r.cpu), rss>>10, r.bad)
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
	fmt.Printf("\nmock/bare throughput: %.0f%% of the medians, %.0f%% median of the rounds' ratios (goal >= 90%%); mock p99 %s (goal <= 10ms); mock peak RSS %d MiB (goal <= 50 MiB)\n",
		100*m.rps/b.rps, 100*ratios[len(ratios)/2], m.p99.Round(time.Microsecond), mockPeak>>10)
	mc, bc := medianCPU(all["mock"]), medianCPU(all["bare"])
	if mc > 0 {
		fmt.Printf("server CPU per request (median): mock %.1f µs, bare %.1f µs: bare/mock %.0f%%, the throughput ratio of servers that had the cores to themselves\n",
			micros(mc), micros(bc), 100*float64(bc)/float64(mc))
	}
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

// medianCPU is the median of the measurements' CPU time per request.
func medianCPU(rs []result) time.Duration {
	c := make([]time.Duration, len(rs))
	for i, r := range rs {
		c[i] = r.cpu
	}
	slices.Sort(c)
	return c[len(c)/2]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
