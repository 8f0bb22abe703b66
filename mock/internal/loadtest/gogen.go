package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

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
				_ = resp.Body.Close()
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
