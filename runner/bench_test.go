package runner_test

import (
	"context"
	"testing"

	"github.com/vcheck/vcheck/runner"
)

// BenchmarkRunEmbedded runs the whole suite end to end against the
// embedded mock and reports cases per second.
func BenchmarkRunEmbedded(b *testing.B) {
	cases := 0
	for b.Loop() {
		s, err := runner.Run(context.Background(), runner.Options{Cases: 100, Seed: 1})
		if err != nil || s.Verdict != runner.VerdictPass {
			b.Fatalf("run: %v %v", err, s.Verdict)
		}
		cases += s.Sent
	}
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
}
