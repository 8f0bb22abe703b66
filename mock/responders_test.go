package mock_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
	"github.com/vcheck/vcheck/mock"
)

const sinchURL = "https://verification.api.sinch.com"

func TestRegisterResponders(t *testing.T) {
	t.Parallel()
	tr := httpmock.NewMockTransport()
	require.NoError(t, mock.RegisterResponders(tr, sinchURL+"/", mock.Config{}))
	client := &http.Client{Transport: tr}
	send := func(method, path, body string) (*http.Response, []byte) {
		req, err := http.NewRequest(method, sinchURL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		require.NoError(t, contracts.SignRequest(req, []byte(body), mock.DefaultCredentials(), time.Now()))
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, b
	}

	resp, b := send(http.MethodPost, pathStart, startBody("+447700900123", "sms", ""))
	require.Equal(t, 200, resp.StatusCode, "%s", b)
	var started struct {
		ID    string                  `json:"id"`
		Links []struct{ Href string } `json:"_links"`
	}
	require.NoError(t, json.Unmarshal(b, &started))
	assert.Equal(t, sinchURL+pathStart+"/id/"+started.ID, started.Links[0].Href)

	resp, b = send(http.MethodPut, pathStart+"/id/"+started.ID, reportBody("sms", mock.Code))
	require.Equal(t, 200, resp.StatusCode, "%s", b)
	assert.Contains(t, string(b), `"status":"SUCCESSFUL"`, "the responders keep state")

	resp, b = send(http.MethodPost, pathStart, startBody("447700900123", "sms", ""))
	golden, _ := fixtures.Golden(40005)
	assert.Equal(t, 400, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, string(golden), string(b))

	resp, _ = send(http.MethodDelete, "/anything", "")
	assert.Equal(t, 404, resp.StatusCode)

	_, err := client.Get("https://elsewhere.example/verification/v1/verifications")
	assert.Error(t, err, "other hosts are not registered")

	assert.Error(t, mock.RegisterResponders(tr, "", mock.Config{}))
	assert.Error(t, mock.RegisterResponders(tr, sinchURL, mock.Config{Drift: "nope"}))
}

func TestRegisterErrorIsGolden(t *testing.T) {
	t.Parallel()
	for _, s := range contracts.DefaultCatalog().Errors() {
		tr := httpmock.NewMockTransport()
		require.NoError(t, mock.RegisterError(tr, http.MethodGet, sinchURL+"/x", s.Code))
		resp, err := (&http.Client{Transport: tr}).Get(sinchURL + "/x")
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		golden, _ := fixtures.Golden(s.Code)
		assert.Equal(t, string(golden), string(b), "%d", s.Code)
		assert.Equal(t, s.HTTPStatus, resp.StatusCode, "%d", s.Code)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "%d", s.Code)
	}
	assert.Error(t, mock.RegisterError(httpmock.NewMockTransport(), http.MethodGet, sinchURL, 40004), "not a documented code")
}
