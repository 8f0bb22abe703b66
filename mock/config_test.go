package mock_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

func TestConfigErrorsNameTheField(t *testing.T) {
	t.Parallel()
	rows := []struct {
		cfg   mock.Config
		field string
	}{
		{mock.Config{Credentials: []contracts.Credentials{}}, "Credentials"},
		{mock.Config{Credentials: []contracts.Credentials{{Key: "", Secret: contracts.NewSecret("c2VjcmV0")}}}, "Credentials[0].Key"},
		{mock.Config{Credentials: []contracts.Credentials{mock.DefaultCredentials(), {Key: "k", Secret: contracts.NewSecret("*not base64*")}}}, "Credentials[1].Secret"},
		{mock.Config{MaxSkew: -time.Second}, "MaxSkew"},
		{mock.Config{VelocityWindow: -time.Second}, "VelocityWindow"},
		{mock.Config{SlowDelay: -time.Second}, "SlowDelay"},
		{mock.Config{MaxEntries: -1}, "MaxEntries"},
		{mock.Config{Drift: "wrong"}, "Drift"},
	}
	for _, row := range rows {
		_, err := mock.New(row.cfg)
		if assert.Error(t, err, row.field) {
			assert.Contains(t, err.Error(), row.field)
			assert.NotContains(t, err.Error(), "not base64*", "a secret never reaches an error")
		}
	}
}

func TestConfigNeedsTheCodesTheMockAnswers(t *testing.T) {
	t.Parallel()
	data := []byte(`{"schema":1,"source":"test","fields":{},"errors":[{"code":40002,"http_status":400,"type":"MissingParameter","status":"400 MissingParameter","messages":["Endpoint parameter is missing."],"description":"d","section":"s","trigger":"request","example":{}}]}`)
	cat, err := contracts.LoadCatalog(data)
	require.NoError(t, err)
	_, err = mock.New(mock.Config{Catalog: cat})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Catalog")
	assert.Contains(t, err.Error(), "40001")
}

func TestDefaultCredentialsAreUsable(t *testing.T) {
	t.Parallel()
	_, err := mock.DefaultCredentials().Secret.Key()
	assert.NoError(t, err)
	assert.Equal(t, "1234", mock.Code)
}

// TestDefaultCredentialsCannotBeChanged: what DefaultCredentials returns is
// the caller's own; changing it changes neither the next call's value nor
// the credentials a mock with the zero Config accepts.
func TestDefaultCredentialsCannotBeChanged(t *testing.T) {
	t.Parallel()
	orig := mock.DefaultCredentials()
	origSecret := orig.Secret.Reveal()

	changed := mock.DefaultCredentials()
	changed.Key = "someone-else"
	changed.Secret = contracts.NewSecret("c29tZW9uZSBlbHNl")

	again := mock.DefaultCredentials()
	assert.Equal(t, orig.Key, again.Key)
	assert.True(t, again.Secret.Reveal() == origSecret, "the secret changed") // not printed

	s, err := mock.New(mock.Config{})
	require.NoError(t, err)
	for _, row := range []struct {
		cred contracts.Credentials
		want int
	}{{again, http.StatusNotFound}, {changed, http.StatusUnauthorized}} {
		req := httptest.NewRequest(http.MethodGet, "/verification/v1/verifications/id/unknown", nil)
		require.NoError(t, contracts.SignRequest(req, nil, row.cred, time.Now()))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		assert.Equal(t, row.want, rec.Code, "signed by key %s", row.cred.Key)
	}
}
