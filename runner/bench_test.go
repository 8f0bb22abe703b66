package runner_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/runner"
)

// BenchmarkRunEmbedded runs the whole suite end to end against the
// embedded mock (drawing, signing, sending, judging, aggregating) and
// reports cases and HTTP requests per second (setup steps and the
// preflight included). Compare its req/s with BenchmarkRawMock's from the
// same run.
func BenchmarkRunEmbedded(b *testing.B) {
	cases, requests := 0, 0
	for b.Loop() {
		s, err := runner.Run(context.Background(), runner.Options{Cases: 400, Seed: 1})
		if err != nil || s.Verdict != runner.VerdictPass {
			b.Fatalf("run: %v %v", err, s.Verdict)
		}
		cases += s.Sent
		requests += s.Requests
	}
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
	b.ReportMetric(float64(requests)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkRawMock is the load generator baseline: the same mock, the same
// concurrency (8), one pre-signed request that fails validation (40005),
// sent as fast as the client can, with nothing judged.
func BenchmarkRawMock(b *testing.B) {
	ctx := context.Background()
	m, err := mock.Start(ctx, mock.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	body := []byte(`{"identity":{"type":"number","endpoint":"46700000000"},"method":"sms"}`)
	const path = "/verification/v1/verifications"
	signed, err := contracts.Sign(mock.DefaultCredentials(), http.MethodPost, path, "application/json", time.Now().UTC().Format(contracts.TimestampLayout), body)
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var n atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n.Add(1) <= int64(b.N) {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, m.URL+path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(contracts.HeaderTimestamp, signed.Timestamp)
				req.Header.Set("Authorization", signed.Authorization)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
