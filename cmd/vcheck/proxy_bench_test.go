package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/proxy"
)

// benchConns is the number of client connections of the overhead benchmark.
const benchConns = 32

// BenchmarkProxyOverhead measures the proxy in pass-through mode against the
// mock alone, side by side in one run: 32 connections on loopback, a signed
// status-by-id request (the mock answers 40400). Compare the two sub-benchmarks'
// req/s and p99-ms.
func BenchmarkProxyOverhead(b *testing.B) {
	m, err := mock.Start(context.Background(), mock.Config{})
	require.NoError(b, err)
	b.Cleanup(func() { _ = m.Close() })
	p, err := proxy.New(proxy.Config{Upstream: m.URL, Credentials: []contracts.Credentials{mock.DefaultCredentials}})
	require.NoError(b, err)
	srv := httptest.NewServer(p)
	b.Cleanup(func() { srv.Close(); _ = p.Close() })
	b.Run("mock", func(b *testing.B) { loadBench(b, m.URL) })
	b.Run("proxy", func(b *testing.B) { loadBench(b, srv.URL) })
}

func loadBench(b *testing.B, base string) {
	tr := &http.Transport{MaxConnsPerHost: benchConns, MaxIdleConnsPerHost: benchConns}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	url := base + "/verification/v1/verifications/id/bench-unknown"
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(max(1, benchConns/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Content-Type", "application/json")
			if err := contracts.SignRequest(req, nil, mock.DefaultCredentials, time.Now()); err != nil {
				b.Error(err)
				return
			}
			t0 := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mine = append(mine, time.Since(t0))
			if resp.StatusCode != http.StatusNotFound {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}
