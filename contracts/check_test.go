package contracts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/fixtures"
)

// answer is what the test server sends for one row.
type answer struct {
	status      int
	contentType string
	body        []byte
}

// serve starts a server on 127.0.0.1 that sends a, and returns the response
// to one GET (its body closed when the test ends).
func serve(t *testing.T, a answer) *http.Response {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	t.Cleanup(srv.Close)
	require.Contains(t, srv.URL, "//127.0.0.1:", "loopback only")
	resp, err := srv.Client().Get(srv.URL + "/verification/v1/verifications/id/1")
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// checkError runs CheckResponse on resp, requires an *APIError that keeps
// resp, and requires that resp.Body still reads the whole body as sent.
func checkError(t *testing.T, resp *http.Response, sent []byte) *APIError {
	t.Helper()
	err := CheckResponse(resp)
	require.Error(t, err)
	var apiErr *APIError
	require.ErrorAs(t, fmt.Errorf("start verification: %w", err), &apiErr)
	assert.Same(t, resp, apiErr.Response, "the error keeps the response")
	assert.Equal(t, resp.StatusCode, apiErr.HTTPStatus)
	rest, readErr := io.ReadAll(resp.Body)
	require.NoError(t, readErr)
	assert.True(t, bytes.Equal(sent, rest), "resp.Body reads the body as sent after CheckResponse (%d bytes, want %d)", len(rest), len(sent))
	return apiErr
}

func TestCheckResponseSuccess(t *testing.T) {
	t.Parallel()
	for _, a := range []answer{
		{200, "application/json", []byte(`{"id":"1","status":"PENDING"}`)},
		{201, "application/json", []byte(`{"id":"2"}`)},
		{204, "", nil},
		{299, "text/html", []byte("<html>odd but 2xx</html>")},
	} {
		t.Run(fmt.Sprint(a.status), func(t *testing.T) {
			t.Parallel()
			resp := serve(t, a)
			body := resp.Body
			require.NoError(t, CheckResponse(resp))
			assert.True(t, body == resp.Body, "a 2xx body is not touched")
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, string(a.body), string(got))
		})
	}
}

func TestCheckResponseDocumentedCodes(t *testing.T) {
	t.Parallel()
	for _, code := range []int{40001, 40005, 40102, 40400, 42901, 50000, 50300} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			spec, ok := DefaultCatalog().Lookup(code)
			require.True(t, ok)
			golden, ok := fixtures.Golden(code)
			require.True(t, ok)
			resp := serve(t, answer{spec.HTTPStatus, "application/json", golden})
			e := checkError(t, resp, golden)
			assert.Equal(t, code, e.Code)
			assert.Equal(t, spec.Status, e.Status)
			assert.Empty(t, e.Problems, "a golden body is exactly as documented")
			assert.Empty(t, DefaultCatalog().Validate(e))
			assert.Equal(t, spec.HTTPStatus == 429 || spec.HTTPStatus >= 500, e.Retryable())
		})
	}
}

func TestCheckResponseUndocumentedBodies(t *testing.T) {
	t.Parallel()
	long := append([]byte(`{"status":"500 InternalError","errorCode":50000,"message":"`), bytes.Repeat([]byte("x"), MaxErrorBodySize)...)
	long = append(long, `"}`...)
	for _, row := range []struct {
		name  string
		a     answer
		kinds []ProblemKind
		error string
	}{
		{"empty body", answer{500, "application/json", nil},
			[]ProblemKind{ProblemEmptyBody}, "sinch: HTTP 500: the body is empty"},
		{"empty body, no content type", answer{503, "", nil},
			[]ProblemKind{ProblemEmptyBody, ProblemContentType}, "sinch: HTTP 503: the body is empty"},
		{"HTML gateway page", answer{502, "text/html", []byte("<html><body>Bad Gateway</body></html>")},
			[]ProblemKind{ProblemNotJSON, ProblemContentType}, `sinch: HTTP 502: not JSON: starts with "<html><body>Bad Gateway</body></html>"`},
		{"body over the bound", answer{500, "application/json", long},
			[]ProblemKind{ProblemTruncated, ProblemNotJSON}, `sinch: HTTP 500: not JSON: starts with "{\"status\":\"500 InternalError\",\"errorCode"...`},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			e := checkError(t, serve(t, row.a), row.a.body)
			var got []ProblemKind
			for _, p := range e.Problems {
				got = append(got, p.Kind)
			}
			assert.Equal(t, row.kinds, got)
			assert.Equal(t, row.error, e.Error(), "says the status and what came back")
			assert.LessOrEqual(t, len(e.Raw), MaxErrorBodySize)
		})
	}
}

func TestCheckResponseBoundsItsRead(t *testing.T) {
	t.Parallel()
	r := &countingReader{}
	resp := response(500, "application/json", io.LimitReader(r, 10<<20))
	var apiErr *APIError
	require.ErrorAs(t, CheckResponse(resp), &apiErr)
	assert.Equal(t, MaxErrorBodySize+1, r.n, "reads one byte past the cap to know it was cut, and no more")
	assert.True(t, apiErr.Has(ProblemTruncated))
	n, err := io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	assert.EqualValues(t, 10<<20, n, "the restored body reads what CheckResponse read and then the rest")
}

func TestCheckResponseClosesTheOriginalBody(t *testing.T) {
	t.Parallel()
	closed := false
	resp := &http.Response{StatusCode: 404, Header: http.Header{}, Body: closeFunc{strings.NewReader(`{}`), func() { closed = true }}}
	require.Error(t, CheckResponse(resp))
	require.NoError(t, resp.Body.Close())
	assert.True(t, closed, "closing the restored body closes the original")
}

func TestCheckResponseNil(t *testing.T) {
	t.Parallel()
	var apiErr *APIError
	require.True(t, errors.As(CheckResponse(nil), &apiErr))
	assert.Nil(t, apiErr.Response)
	assert.Equal(t, "sinch: no response", apiErr.Error())
	assert.NotPanics(t, func() { _ = CheckResponse(&http.Response{StatusCode: 500}) }, "no body, no header")
}

type closeFunc struct {
	io.Reader
	close func()
}

func (c closeFunc) Close() error { c.close(); return nil }
