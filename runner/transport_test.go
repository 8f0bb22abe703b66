package runner

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/vcheck/vcheck/contracts"
)

// TestRetryAfter: the runner's wait on a rate-limit answer reads the header
// with the oracle's parser, so an answer the oracle calls a bad Retry-After
// gets the default wait, not whatever a looser parser made of it.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	const def, limit = 700 * time.Millisecond, 10 * time.Second
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"absent", "", def},
		{"seconds", "3", 3 * time.Second},
		{"zero", "0", 0},
		{"fraction is invalid", "1.5", def},
		{"negative is invalid", "-1", def},
		{"garbage", "soon", def},
		{"above the limit", "60", limit},
		{"past a Duration", "9999999999", limit},
		{"date in the past", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
		{"date far ahead", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), limit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			assert.Equal(t, tt.want, retryAfter(h, def, limit))
			_, valid := contracts.ParseRetryAfter(tt.value, time.Now())
			assert.Equal(t, valid, tt.want != def, "the runner waits the default exactly when the oracle finds the header invalid")
		})
	}
}
