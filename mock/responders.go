package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"

	"github.com/jarcoal/httpmock"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// RegisterResponders registers the whole mock, configured by cfg, on t for
// every URL under baseURL (e.g. "https://verification.api.sinch.com"): a
// Go SDK's unit tests then get the mock's answers, byte for byte, without a
// server. The mock's state lives in the responders, so a start and a
// report through t see each other.
func RegisterResponders(t *httpmock.MockTransport, baseURL string, cfg Config) error {
	s, err := New(cfg)
	if err != nil {
		return err
	}
	base := strings.TrimRight(baseURL, "/")
	if base == "" {
		return fmt.Errorf("mock: RegisterResponders: empty base URL")
	}
	rx, err := regexp.Compile("^" + regexp.QuoteMeta(base) + "(/|$)")
	if err != nil {
		return fmt.Errorf("mock: RegisterResponders: base URL %q: %w", baseURL, err)
	}
	responder := func(req *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	}
	// The documented methods, and the others so that they get the mock's 40400.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions} {
		t.RegisterRegexpResponder(m, rx, responder)
	}
	return nil
}

// RegisterError registers on t, for method and urlPattern (an httpmock URL,
// or "=~" and a regular expression), the documented error code: its golden
// body byte for byte (fixtures/golden), Content-Type application/json and
// the documented HTTP status. An unknown code is an error.
func RegisterError(t *httpmock.MockTransport, method, urlPattern string, code int) error {
	spec, ok := contracts.DefaultCatalog().Lookup(code)
	if !ok {
		return fmt.Errorf("mock: RegisterError: %d is not a documented error code", code)
	}
	body, ok := fixtures.Golden(code)
	if !ok {
		body = spec.Body("")
	}
	t.RegisterResponder(method, urlPattern, func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(spec.HTTPStatus, body)
		resp.Header.Set("Content-Type", contentTypeJSON)
		resp.Request = req
		return resp, nil
	})
	return nil
}
