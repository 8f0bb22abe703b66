package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/proxy"
)

// Shape of the overhead benchmark's load.
const (
	benchConns = 32   // client connections, as the goal states
	benchRound = 2000 // requests to one target before moving to the next
)

// BenchmarkProxyOverhead measures the proxy in pass-through mode against the
// mock alone, side by side in one run, on loopback: 32 connections sending a
// signed status-by-id request (the mock answers 40400). The targets take turns
// in rounds of 2,000 requests, so a change of machine load hits all of them
// alike; b.N is the total number of requests. The targets:
//
//   - mock: the reference mock on its own port, no proxy;
//   - proxy: `vcheck proxy` as it runs by default, the embedded mock in-process;
//   - proxy-http: the proxy forwarding over a second loopback connection to
//     the mock on its own port (--upstream http://127.0.0.1:PORT).
//
// Reported per target: the median of its rounds' req/s and the p99 and p50 of
// all its latencies; and per proxy target, the median of the per-round ratios
// of its req/s to the mock's (the same round index, run moments apart) and its
// p99 minus the mock's.
func BenchmarkProxyOverhead(b *testing.B) {
	m, err := mock.Start(context.Background(), mock.Config{})
	require.NoError(b, err)
	b.Cleanup(func() { _ = m.Close() })
	creds := []contracts.Credentials{mock.DefaultCredentials()}
	inProcess, err := mock.New(mock.Config{})
	require.NoError(b, err)
	serveProxy := func(cfg proxy.Config) string {
		p, err := proxy.New(cfg)
		require.NoError(b, err)
		srv := httptest.NewServer(p)
		b.Cleanup(func() { srv.Close(); _ = p.Close() })
		return srv.URL
	}
	targets := []*benchTarget{
		{name: "mock", base: m.URL},
		{name: "proxy", base: serveProxy(proxy.Config{Handler: inProcess, Credentials: creds})},
		{name: "proxy-http", base: serveProxy(proxy.Config{Upstream: m.URL, Credentials: creds})},
	}
	for _, t := range targets {
		t.tr = &http.Transport{MaxConnsPerHost: benchConns, MaxIdleConnsPerHost: benchConns}
		b.Cleanup(t.tr.CloseIdleConnections)
		t.load(b, benchConns) // open the connections before the clock starts
		t.rps, t.lat = nil, nil
	}
	b.ResetTimer()
	for done := 0; done < b.N; {
		for _, t := range targets {
			n := min(benchRound, b.N-done)
			if n <= 0 {
				break
			}
			t.load(b, n)
			done += n
		}
	}
	b.StopTimer()
	mockT := targets[0]
	for _, t := range targets {
		if len(t.lat) == 0 {
			continue
		}
		b.ReportMetric(median(t.rps), t.name+"-req/s")
		b.ReportMetric(ms(percentile(t.lat, 99)), t.name+"-p99-ms")
		b.ReportMetric(ms(percentile(t.lat, 50)), t.name+"-p50-ms")
		if t == mockT {
			continue
		}
		var ratios []float64
		for i := range min(len(t.rps), len(mockT.rps)) {
			ratios = append(ratios, 100*t.rps[i]/mockT.rps[i])
		}
		if len(ratios) > 0 {
			b.ReportMetric(median(ratios), t.name+"/mock-%")
			b.ReportMetric(ms(percentile(t.lat, 99))-ms(percentile(mockT.lat, 99)), t.name+"-added-p99-ms")
		}
	}
}

// benchTarget is one base URL under load and what its rounds measured.
type benchTarget struct {
	name, base string
	tr         *http.Transport
	rps        []float64       // per round
	lat        []time.Duration // every request
}

// load sends n requests over benchConns connections and records the
// round's req/s and every latency.
func (t *benchTarget) load(b *testing.B, n int) {
	c := &http.Client{Transport: t.tr, Timeout: 10 * time.Second}
	url := t.base + "/verification/v1/verifications/id/bench-unknown"
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range benchConns {
		wg.Go(func() {
			var mine []time.Duration
			defer func() {
				mu.Lock()
				t.lat = append(t.lat, mine...)
				mu.Unlock()
			}()
			for next.Add(1) <= int64(n) {
				d, err := benchRequest(c, url)
				if err != nil {
					b.Errorf("%s: %v", t.name, err)
					return
				}
				mine = append(mine, d)
			}
		})
	}
	wg.Wait()
	t.rps = append(t.rps, float64(n)/time.Since(start).Seconds())
}

// benchRequest sends one signed status lookup and checks its 404.
func benchRequest(c *http.Client, url string) (time.Duration, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := contracts.SignRequest(req, nil, mock.DefaultCredentials(), time.Now()); err != nil {
		return 0, err
	}
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if resp.StatusCode != http.StatusNotFound {
		return 0, fmt.Errorf("status %d, want 404", resp.StatusCode)
	}
	return d, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile sorts lat in place and returns its p-th percentile.
func percentile(lat []time.Duration, p int) time.Duration {
	slices.Sort(lat)
	return lat[min(len(lat)-1, len(lat)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
