package contracts

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/fixtures"
)

func TestAPIErrorError(t *testing.T) {
	t.Parallel()
	var nilErr *APIError
	assert.NotPanics(t, func() { _ = nilErr.Error() })
	assert.Equal(t, "sinch: <nil>", nilErr.Error())
	assert.Equal(t, "sinch", (&APIError{}).Error())

	full := &APIError{HTTPStatus: 404, Code: 40400, Type: "ResourceNotFound", Message: "Requested resource not found", Reference: "ab12"}
	assert.Equal(t, "sinch: HTTP 404: errorCode 40400 (ResourceNotFound): Requested resource not found [reference ab12]", full.Error())

	html := ParseError(response(502, "text/html", strings.NewReader("<html>Bad Gateway</html>")))
	assert.Equal(t, `sinch: HTTP 502: not JSON: starts with "<html>Bad Gateway</html>"`, html.Error(), "says what came back instead")
}

func TestAPIErrorAs(t *testing.T) {
	t.Parallel()
	golden, ok := fixtures.Golden(40005)
	require.True(t, ok)
	err := fmt.Errorf("start verification: %w", ParseError(response(400, "application/json", bytes.NewReader(golden))))
	err = fmt.Errorf("run: %w", err)

	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "through two %%w wraps")
	assert.Equal(t, 40005, apiErr.Code)
	assert.Equal(t, 400, apiErr.HTTPStatus)
	assert.Contains(t, err.Error(), "errorCode 40005")

	spec, ok := apiErr.Match(DefaultCatalog())
	require.True(t, ok)
	assert.Equal(t, "400 NumberMissingLeadingPlus", spec.Status)
}

func TestAPIErrorMatch(t *testing.T) {
	t.Parallel()
	c := DefaultCatalog()
	for _, tt := range []struct {
		name   string
		code   int
		found  bool
		reason string
	}{
		{"documented", 40303, true, "facts.md section 1"},
		{"erratum 1 example", 40002, true, "40002 is documented, though not for this heading"},
		{"erratum 3 example", 50500, false, "50500 is not documented"},
		{"none", 0, false, "no code"},
	} {
		spec, ok := (&APIError{Code: tt.code}).Match(c)
		assert.Equal(t, tt.found, ok, "%s: %s", tt.name, tt.reason)
		if ok {
			assert.Equal(t, tt.code, spec.Code)
		}
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		e      APIError
		want   bool
		reason string
	}{
		{"400", APIError{HTTPStatus: 400}, false, "a request defect does not go away"},
		{"401", APIError{HTTPStatus: 401}, false, "credentials do not fix themselves"},
		{"404", APIError{HTTPStatus: 404}, false, "not found stays not found"},
		{"409", APIError{HTTPStatus: 409}, false, "the reference stays defined"},
		{"422", APIError{HTTPStatus: 422}, false, "configuration, not load"},
		{"429", APIError{HTTPStatus: 429}, true, `42900/42901: "too many requests"`},
		{"500", APIError{HTTPStatus: 500}, true, `"Try the request a little later"`},
		{"503", APIError{HTTPStatus: 503}, true, `"Try the request a little later"`},
		{"HTTP status wins over the body", APIError{HTTPStatus: 400, StatusCode: 503, Code: 50300}, false, "the response line is what happened"},
		{"body status string", APIError{StatusCode: 429, Code: 40001}, true, "no response: the status string"},
		{"body code only", APIError{Code: 50000}, true, "no status string: the code's first three digits"},
		{"body code 4xx", APIError{Code: 42901}, true, "429 from the code"},
		{"body code 40303 with status 401", APIError{StatusCode: 401, Code: 40303}, false, "erratum 2: either way not retryable"},
		{"body 50300 example", APIError{StatusCode: 503, Code: 50500}, true, "erratum 3: 5xx either way"},
		{"nothing known", APIError{}, false, "no status at all"},
		{"code not five digits", APIError{Code: 500}, false, "500 is not an error code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NotEmpty(t, tt.reason, "every row says why")
			assert.Equal(t, tt.want, tt.e.Retryable(), tt.reason)
		})
	}
	t.Run("from the bodies alone", func(t *testing.T) {
		t.Parallel()
		for _, s := range DefaultCatalog().Errors() {
			golden, _ := fixtures.Golden(s.Code)
			e := ParseErrorBody(golden)
			assert.Equal(t, s.HTTPStatus == 429 || s.HTTPStatus >= 500, e.Retryable(), "%d", s.Code)
		}
	})
}
