package conformance

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"github.com/vcheck/vcheck/contracts"
)

// Response is what the target answered to a case's request: the status,
// the headers, at most contracts.MaxErrorBodySize bytes of the body, and
// the body parsed tolerantly as an error answer.
type Response struct {
	HTTPStatus int
	Header     http.Header
	// Body is the body as read (bounded).
	Body []byte
	// Error is contracts.ParseError of the answer; its Problems list how
	// the body departs from the documented error shape. It is parsed for
	// every answer but judged only for error statuses.
	Error *contracts.APIError
}

// ReadResponse reads and parses resp's body (at most
// contracts.MaxErrorBodySize+1 bytes, the cut recorded as a problem). It
// does not close the body.
func ReadResponse(resp *http.Response) *Response {
	e := contracts.ParseError(resp)
	r := &Response{Error: e, Body: e.Raw}
	if resp != nil {
		r.HTTPStatus = resp.StatusCode
		r.Header = resp.Header.Clone()
	}
	return r
}

// NewResponse builds a Response from its parts, as ReadResponse would.
func NewResponse(status int, header http.Header, body []byte) *Response {
	if header == nil {
		header = http.Header{}
	}
	return ReadResponse(&http.Response{
		StatusCode: status,
		Status:     strconv.Itoa(status) + " " + http.StatusText(status),
		Header:     header,
		Body:       io.NopCloser(bytes.NewReader(body)),
	})
}

// isError reports whether the answer is an error status (4xx or 5xx).
func (r *Response) isError() bool { return r.HTTPStatus >= 400 }
