package mock_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/mock"
)

func TestNewHTTPServerSetsEveryTimeout(t *testing.T) {
	t.Parallel()
	s, err := mock.New(mock.Config{})
	require.NoError(t, err)
	srv := mock.NewHTTPServer("127.0.0.1:0", s)
	assert.Equal(t, "127.0.0.1:0", srv.Addr)
	assert.Positive(t, srv.ReadHeaderTimeout)
	assert.Positive(t, srv.ReadTimeout)
	assert.Positive(t, srv.WriteTimeout)
	assert.Positive(t, srv.IdleTimeout)
	assert.Positive(t, srv.MaxHeaderBytes)

	slow, err := mock.New(mock.Config{Drift: "slow", SlowDelay: time.Minute})
	require.NoError(t, err)
	assert.Greater(t, mock.NewHTTPServer("", slow).WriteTimeout, time.Minute, "the late answer still gets written")
}

func TestStartServesLoopbackUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := mock.Start(ctx, mock.Config{})
	require.NoError(t, err)
	u, err := url.Parse(r.URL)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", u.Hostname())
	assert.Empty(t, u.Path)

	resp, err := http.Get(r.URL + "/verification/v1/verifications/id/x")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode)

	cancel()
	assert.NoError(t, r.Close(), "closing after the context stopped it")
	_, err = http.Get(r.URL + "/")
	assert.Error(t, err, "nothing listens any more")
}

func TestShutdownIsGraceful(t *testing.T) {
	t.Parallel()
	r, err := mock.Start(context.Background(), mock.Config{})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	assert.NoError(t, r.Shutdown(ctx))
}

func TestStartRejectsABadConfig(t *testing.T) {
	t.Parallel()
	_, err := mock.Start(context.Background(), mock.Config{MaxEntries: -1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MaxEntries")
}
