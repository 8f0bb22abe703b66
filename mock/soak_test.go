package mock

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

var (
	soakFor   = flag.Duration("soak", 0, "run TestSoak, loading the mock this long (make soak: 30s); 0 skips it")
	soakConns = flag.Int("soak-conns", 64, "TestSoak's concurrent connections")
)

const (
	// soakMaxRequests bounds TestSoak whatever its duration.
	soakMaxRequests = 50_000_000
	// soakHeapGrowth bounds the growth of the live heap (after a
	// collection) from before the load, with the store already full, to
	// after it: what the connections' buffers take (2 MiB at 64 of them in
	// 30 s or 60 s runs) and room for the runtime, less than a leak of 32
	// bytes per request leaves behind in `make soak`'s 30 s (about 440,000
	// requests: 13 MiB).
	soakHeapGrowth = 8 << 20
)

// soakKind is one kind of request of the mixed load, with the status the
// mock owes it.
type soakKind struct {
	name     string
	want     int
	scripted bool // a 5xx the request asks for (a magic number)
}

var soakKinds = []soakKind{
	{"start", 200, false},
	{"report-by-number", 200, false},
	{"status-by-identity", 200, false},
	{"start-again-42901", 429, false},
	{"no-plus-40005", 400, false},
	{"bad-signature-40102", 401, false},
	{"unknown-route-40400", 404, false},
	{"invalid-json-40003", 400, false},
	{"magic-50000", 500, true},
}

// TestSoak loads a mock on loopback with mixed valid and invalid signed
// requests from -soak-conns connections for -soak (`make soak` runs 30 s
// at 64). It fails on any transport error (a panic in a handler closes its
// connection), any unscripted 5xx, any answer other than the one each
// request is owed, and a live heap that grew by more than soakHeapGrowth
// from before the load (the store already full, so that only a leak can
// grow it) to after; it reports the RSS along the way.
//
// It runs only when -soak is given. In a plain go test it ran 2 s, far too
// short for a leak to show against the connections' buffers, while it
// filled a store of 100,000 verifications twice and kept 64 connections
// busy on the test machine's shared cores, asserting nothing on memory:
// what a short run does show, concurrent requests answered correctly and
// a state that stays bounded, TestConcurrentUse, TestStateIsBounded and
// TestStateMemoryIsFlat check in every run.
func TestSoak(t *testing.T) {
	if *soakFor <= 0 {
		t.Skip("a soak test: runs with -soak=DURATION (make soak)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := Start(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fillStore(r.Server)

	conns := max(*soakConns, 1)
	transport := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}

	var (
		counts        = make([]atomic.Int64, len(soakKinds))
		wrong         atomic.Int64
		unscripted    atomic.Int64
		transportErrs atomic.Int64
		total         atomic.Int64
		firstWrong    sync.Once
		wrongText     string
	)
	rssBefore, heapBefore := rss(t), liveHeap()
	began := time.Now()
	deadline := began.Add(*soakFor)
	// RSS once a second: the one a quarter into the run (warm: connections
	// open, buffers and GC target grown) against the last shows a leak.
	var samples []uint64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for time.Now().Before(deadline) {
			<-tick.C
			samples = append(samples, rss(t))
		}
	}()
	var wg sync.WaitGroup
	for w := range conns {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline) && total.Add(1) <= soakMaxRequests; i++ {
				k := i % len(soakKinds)
				status, err := soakRequest(client, r.URL, k, w, i/len(soakKinds))
				if err != nil {
					transportErrs.Add(1)
					firstWrong.Do(func() { wrongText = err.Error() })
					continue
				}
				counts[k].Add(1)
				if status >= 500 && !soakKinds[k].scripted {
					unscripted.Add(1)
				}
				if status != soakKinds[k].want {
					wrong.Add(1)
					firstWrong.Do(func() { wrongText = fmt.Sprintf("%s: HTTP %d, want %d", soakKinds[k].name, status, soakKinds[k].want) })
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	<-sampled
	rssAfter, heapAfter := rss(t), liveHeap()
	rssWarm, rssPeak := rssAfter, rssAfter
	if len(samples) > 0 {
		rssWarm = samples[len(samples)/4]
		rssPeak = slices.Max(samples)
	}
	var sent int64
	var by []string
	for k := range soakKinds {
		n := counts[k].Load()
		sent += n
		by = append(by, fmt.Sprintf("%s=%d", soakKinds[k].name, n))
	}
	v, _, _ := r.Server.state.len()
	t.Logf("soak: %s at %d connections: %d requests (%.0f/s), unscripted 5xx %d, wrong answers %d, transport errors %d",
		elapsed.Round(time.Millisecond), conns, sent, float64(sent)/elapsed.Seconds(), unscripted.Load(), wrong.Load(), transportErrs.Load())
	t.Logf("soak: RSS before the load %d MiB, warm (a quarter in) %d MiB, peak %d MiB, after %d MiB; live heap before %d MiB, after %d MiB; verifications held %d (the bound)",
		rssBefore>>20, rssWarm>>20, rssPeak>>20, rssAfter>>20, heapBefore>>20, heapAfter>>20, v)
	t.Logf("soak: %s", strings.Join(by, " "))
	if transportErrs.Load()+wrong.Load()+unscripted.Load() > 0 {
		t.Errorf("soak: first problem: %s", wrongText)
	}
	if sent == 0 {
		t.Error("soak: no request was answered")
	}
	if heapAfter > heapBefore+soakHeapGrowth {
		t.Errorf("soak: the live heap grew by %d MiB, from %d MiB to %d MiB; want at most %d MiB: a leak",
			(heapAfter-heapBefore)>>20, heapBefore>>20, heapAfter>>20, soakHeapGrowth>>20)
	}
}

// fillStore starts twice MaxEntries verifications directly, so that the
// store is at its bound before the load, its maps at the size that the
// forgetting of old entries settles them at: from then on it cannot grow.
func fillStore(s *Server) {
	now := s.cfg.Now()
	for i := range 2 * s.cfg.MaxEntries {
		s.state.start(startRequest{endpoint: fmt.Sprintf("+4479%08d", i), method: methodSMS}, now, s.cfg.VelocityWindow)
	}
}

// soakRequest sends request i of kind k from worker w.
func soakRequest(c *http.Client, base string, k, w, i int) (int, error) {
	number := fmt.Sprintf("+4478%03d%05d", w%1000, i%100_000) // distinct per worker and round
	var method, path, body string
	sign := true
	switch soakKinds[k].name {
	case "start", "start-again-42901":
		method, path, body = http.MethodPost, pathStart, `{"identity":{"type":"number","endpoint":"`+number+`"},"method":"sms"}`
	case "report-by-number":
		method, path, body = http.MethodPut, pathByNumber+number, `{"method":"sms","sms":{"code":"1234"}}`
	case "status-by-identity":
		method, path = http.MethodGet, pathStart+"/sms/number/"+number
	case "no-plus-40005":
		method, path, body = http.MethodPost, pathStart, `{"identity":{"type":"number","endpoint":"`+number[1:]+`"},"method":"sms"}`
	case "bad-signature-40102":
		method, path, sign = http.MethodGet, pathByID+"x", false
	case "unknown-route-40400":
		method, path = http.MethodGet, "/verification/v1/nowhere"
	case "invalid-json-40003":
		method, path, body = http.MethodPost, pathStart, `{"identity":`
	case "magic-50000":
		method, path, body = http.MethodPost, pathStart, `{"identity":{"type":"number","endpoint":"+447700900500"},"method":"sms"}`
	}
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	now := time.Now()
	if !sign {
		now = now.Add(time.Second) // x-timestamp differs from the signed one below
		if err := contracts.SignRequest(req, []byte(body), DefaultCredentials(), now.Add(-time.Second)); err != nil {
			return 0, err
		}
		req.Header.Set(contracts.HeaderTimestamp, now.UTC().Format(contracts.TimestampLayout))
	} else if err := contracts.SignRequest(req, []byte(body), DefaultCredentials(), now); err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// rss is the process's resident set size, from /proc/self/status (0 where
// there is none).
func rss(t *testing.T) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Logf("no RSS: %v", err)
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// liveHeap is the heap's live bytes after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
