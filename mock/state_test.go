package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

// startDirect sends a signed start to s without a network.
func startDirect(t testing.TB, s *Server, number, reference string, now time.Time) int {
	body := fmt.Sprintf(`{"identity":{"type":"number","endpoint":%q},"method":"sms","reference":%q}`, number, reference)
	req := httptest.NewRequest(http.MethodPost, pathStart, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if err := contracts.SignRequest(req, []byte(body), DefaultCredentials(), now); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Code
}

// TestStateIsBounded starts many more distinct numbers, each with its own
// reference, than MaxEntries: the store never holds more than MaxEntries
// of anything, and the oldest is what goes.
func TestStateIsBounded(t *testing.T) {
	t.Parallel()
	now := time.Now()
	const max, n = 500, 6000
	s, err := New(Config{MaxEntries: max, Now: func() time.Time { return now }})
	require.NoError(t, err)
	for i := range n {
		number := fmt.Sprintf("+4479%08d", i)
		require.Equal(t, 200, startDirect(t, s, number, fmt.Sprintf("ref-%d", i), now))
		if i%997 == 0 {
			v, nums, refs := s.state.len()
			require.LessOrEqual(t, v, max)
			require.LessOrEqual(t, nums, max)
			require.LessOrEqual(t, refs, max)
		}
	}
	v, nums, refs := s.state.len()
	assert.Equal(t, []int{max, max, max}, []int{v, nums, refs})
	assert.Len(t, s.state.order, max)
	_, ok := s.state.reference("ref-0")
	assert.False(t, ok, "the oldest reference is forgotten")
	_, ok = s.state.reference(fmt.Sprintf("ref-%d", n-1))
	assert.True(t, ok, "the newest is kept")
	// a forgotten reference and number can be used again
	assert.Equal(t, 200, startDirect(t, s, "+447900000000", "ref-0", now))
}

// TestStateMemoryIsFlat: a hundred thousand more distinct numbers leave the
// heap where the first fill left it.
func TestStateMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("fills the store several times")
	}
	now := time.Now()
	s, err := New(Config{MaxEntries: 10_000, Now: func() time.Time { return now }})
	require.NoError(t, err)
	fill := func(from int) uint64 {
		for i := from; i < from+50_000; i++ {
			st := s.state
			st.start(startRequest{endpoint: fmt.Sprintf("+4479%08d", i), method: methodSMS, reference: fmt.Sprint("r", i)}, now, time.Minute)
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		runtime.KeepAlive(s)
		return m.HeapAlloc
	}
	first := fill(0)
	last := fill(50_000)
	last = min(last, fill(100_000))
	t.Logf("heap after 50k starts: %d KiB; after 150k: %d KiB", first>>10, last>>10)
	assert.Less(t, last, first+first/2+8<<20, "the heap grows with the number of starts")
}

// TestConcurrentUse hammers one Server from many goroutines: starts,
// reports, status and reused references. Run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, err := New(Config{MaxEntries: 500})
	require.NoError(t, err)
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if err := contracts.SignRequest(req, []byte(body), DefaultCredentials(), time.Now()); err != nil {
			t.Error(err)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				number := fmt.Sprintf("+44790%03d%04d", g, i%50) // repeats: some 42901
				rec := do(http.MethodPost, pathStart, fmt.Sprintf(`{"identity":{"type":"number","endpoint":%q},"method":"sms","reference":"r%d"}`, number, i%30))
				switch rec.Code {
				case 200, 409, 429:
				default:
					t.Errorf("start: HTTP %d %s", rec.Code, rec.Body)
				}
				do(http.MethodPut, pathStart+"/number/"+number, `{"method":"sms","sms":{"code":"1234"}}`)
				do(http.MethodGet, pathStart+"/sms/number/"+number, "")
				do(http.MethodGet, fmt.Sprintf("%s/reference/r%d", pathStart, i%30), "")
			}
		})
	}
	wg.Wait()
	v, _, _ := s.state.len()
	assert.LessOrEqual(t, v, 500)
}
