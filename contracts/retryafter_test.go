package contracts

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestParseRetryAfter pins the one Retry-After parser that the oracle
// (ParseError) and the runner's rate-limit wait share.
func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration, layout string) string { return now.Add(d).Format(layout) }
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
		reason string
	}{
		{"zero", "0", 0, true, "retry now"},
		{"seconds", "120", 2 * time.Minute, true, "RFC 9110 section 10.2.3"},
		{"leading zeros", "007", 7 * time.Second, true, "1*DIGIT allows them"},
		{"surrounding whitespace", " 7\t", 7 * time.Second, true, "OWS around a field value is not part of it"},
		{"one day", "86400", MaxRetryAfter, true, "the cap itself"},
		{"past the cap", "86401", MaxRetryAfter, true, "a longer delay is capped"},
		{"past a Duration", "9999999999", MaxRetryAfter, true, "would overflow time.Duration if multiplied"},
		{"past uint64", "99999999999999999999999", MaxRetryAfter, true, "still 1*DIGIT"},
		{"fraction", "1.5", 0, false, "delay-seconds is 1*DIGIT, no fraction"},
		{"negative", "-5", 0, false, "no sign"},
		{"plus sign", "+5", 0, false, "no sign"},
		{"unit", "5s", 0, false, "seconds are implied, not written"},
		{"exponent", "1e3", 0, false, "not a digit"},
		{"non-ASCII digits", "\u0661\u0662", 0, false, "DIGIT is ASCII 0-9"},
		{"empty", "", 0, false, "no value"},
		{"garbage", "soon", 0, false, "neither form"},
		{"IMF-fixdate ahead", date(90*time.Second, http.TimeFormat), 90 * time.Second, true, "the preferred HTTP-date"},
		{"RFC 850 date ahead", date(time.Minute, time.RFC850), time.Minute, true, "an obsolete HTTP-date a recipient must accept"},
		{"asctime date ahead", date(time.Minute, time.ANSIC), time.Minute, true, "an obsolete HTTP-date a recipient must accept"},
		{"date in the past", date(-time.Hour, http.TimeFormat), 0, true, "a date already gone means now"},
		{"date years ahead", date(10*365*24*time.Hour, http.TimeFormat), MaxRetryAfter, true, "capped like seconds"},
		{"impossible date", "Mon, 32 Jan 2026 00:00:00 GMT", 0, false, "no 32nd of January"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRetryAfter(tt.value, now)
			assert.Equal(t, tt.wantOK, ok, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}
