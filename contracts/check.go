package contracts

import (
	"bytes"
	"io"
	"net/http"
)

// CheckResponse is the one place a client turns an answer into an error:
// nil for a 2xx status (the body untouched), otherwise an *APIError that
// ParseError made from the response, with Response set to resp. It reads at
// most MaxErrorBodySize+1 bytes. An answer whose body is empty, not JSON
// (an HTML gateway page) or cut at the bound is still an *APIError: its
// HTTPStatus and Response are set and its Problems and Error say what the
// body was. A nil resp is an *APIError with no response.
//
// The body is put back: after CheckResponse, resp.Body reads the whole body
// as sent (the bytes CheckResponse read, then whatever it left unread), and
// closing it closes the original body, which the caller still must do.
// Find the error with errors.As; branch on its fields, never its message.
func CheckResponse(resp *http.Response) error {
	if resp == nil {
		return ParseError(nil)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	body, readErr := readErrorBody(resp)
	if resp.Body != nil {
		resp.Body = &restoredBody{Reader: io.MultiReader(bytes.NewReader(body), resp.Body), Closer: resp.Body}
	}
	e := parseResponse(resp, body, readErr)
	e.Response = resp
	return e
}

// restoredBody reads the bytes CheckResponse consumed, then the rest of the
// original body, and closes the original.
type restoredBody struct {
	io.Reader
	io.Closer
}
