package fuzz

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/vcheck/vcheck/contracts"
)

// shapeProblems are the problems after which a body's fields are not what
// it sent: the round trip only holds without them.
var shapeProblems = []contracts.ProblemKind{
	contracts.ProblemEmptyBody, contracts.ProblemNotJSON, contracts.ProblemNotObject,
	contracts.ProblemTruncated, contracts.ProblemMissingField, contracts.ProblemWrongType,
}

// FuzzParseErrorBody feeds any answer to the parser. It must never panic,
// keep at most MaxErrorBodySize bytes, give back what a clean body said when
// that is encoded again, say the retry advice the HTTP status implies, and
// record a problem whenever the body is not the documented shape.
func FuzzParseErrorBody(f *testing.F) {
	f.Add(400, "application/json", []byte(`{"status":"400 InvalidRequest","errorCode":40003,"message":"Phone number invalid"}`))
	f.Add(429, "application/json", []byte(`{"status":"429 CapacityExceeded","errorCode":42900.0,"message":"Request capacity exceeded","reference":"r"}`))
	f.Add(500, "", []byte(`null`))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		e := contracts.ParseErrorBody(body)
		if len(e.Raw) > contracts.MaxErrorBodySize {
			t.Fatalf("len(Raw) = %d, more than MaxErrorBodySize", len(e.Raw))
		}
		if len(e.Problems) == 0 {
			if _, _, err := contracts.ParseStatus(e.Status); err != nil || e.Message == "" {
				t.Fatalf("no problems recorded for status %q, message %q", e.Status, e.Message)
			}
		}
		if !slices.ContainsFunc(e.Problems, func(p contracts.Problem) bool { return slices.Contains(shapeProblems, p.Kind) }) {
			roundTrip(t, e)
		}

		code := min(max(status, 100), 599)
		resp := &http.Response{StatusCode: code, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}
		if contentType != "" {
			resp.Header.Set("Content-Type", contentType)
		}
		pe := contracts.ParseError(resp)
		if pe.HTTPStatus != code {
			t.Fatalf("HTTPStatus = %d, want %d", pe.HTTPStatus, code)
		}
		if want := code == http.StatusTooManyRequests || code >= 500; pe.Retryable() != want {
			t.Fatalf("HTTP %d: Retryable() = %v, want %v", code, pe.Retryable(), want)
		}
		if pe.Status != e.Status || pe.Code != e.Code || pe.Message != e.Message || pe.Reference != e.Reference || !bytes.Equal(pe.Raw, e.Raw) {
			t.Fatalf("ParseError and ParseErrorBody disagree on the body:\n%+v\n%+v", pe, e)
		}
		if len(pe.Problems) < len(e.Problems) || !slices.Equal(pe.Problems[:len(e.Problems)], e.Problems) {
			t.Fatalf("ParseError lost the body's problems:\n%v\n%v", pe.Problems, e.Problems)
		}
		_ = pe.Error()
		before := slices.Clone(pe.Problems)
		_ = contracts.DefaultCatalog().Validate(pe)
		if !slices.Equal(before, pe.Problems) {
			t.Fatal("Validate modified the APIError")
		}
	})
}

// roundTrip encodes what e says and parses it again: the same fields come
// back.
func roundTrip(t *testing.T, e *contracts.APIError) {
	t.Helper()
	again := map[string]any{"status": e.Status, "errorCode": e.Code, "message": e.Message}
	if e.Reference != "" {
		again["reference"] = e.Reference
	}
	b, err := json.Marshal(again)
	if err != nil {
		t.Fatal(err)
	}
	a := contracts.ParseErrorBody(b)
	if a.Status != e.Status || a.StatusCode != e.StatusCode || a.Type != e.Type || a.Code != e.Code || a.Message != e.Message || a.Reference != e.Reference {
		t.Fatalf("round trip through %s:\ngot  %+v\nwant %+v", b, a, e)
	}
}
