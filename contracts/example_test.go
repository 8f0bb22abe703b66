package contracts_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// startVerification stands for a client call that turns a non-2xx answer
// into an error with contracts.ParseError and wraps it.
func startVerification(resp *http.Response) error {
	if resp.StatusCode >= 300 {
		return fmt.Errorf("start verification: %w", contracts.ParseError(resp))
	}
	return nil
}

// ExampleParseError shows the caller's side: errors.As finds the
// *APIError under any wrapping, and its fields, not its message, decide.
func ExampleParseError() {
	resp := &http.Response{
		StatusCode: http.StatusTooManyRequests,
		Header:     http.Header{"Content-Type": {"application/json"}, "Retry-After": {"30"}},
		Body:       io.NopCloser(strings.NewReader(`{"status":"429 VelocityConstraint","errorCode":42901,"message":"Cannot initiate verification to the same number too quickly"}`)),
	}
	err := startVerification(resp)

	var apiErr *contracts.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, apiErr.Type)
		fmt.Println("retry:", apiErr.Retryable(), "after", apiErr.RetryAfter)
		spec, _ := apiErr.Match(contracts.DefaultCatalog())
		fmt.Println("documented:", spec.Status)
	}
	fmt.Println(err)
	// Output:
	// 42901 VelocityConstraint
	// retry: true after 30s
	// documented: 429 VelocityConstraint
	// start verification: sinch: HTTP 429: errorCode 42901 (VelocityConstraint): Cannot initiate verification to the same number too quickly
}

// ExampleCheckResponse is an SDK's call: CheckResponse is the one place
// that turns a non-2xx answer into an error, and errors.As gives the
// caller the documented error and the response it came with.
func ExampleCheckResponse() {
	// A stand-in for the API on 127.0.0.1 that refuses a number without
	// its leading plus, as documented.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"status":"400 NumberMissingLeadingPlus","errorCode":40005,"message":"Phone number missing leading plus sign"}`)
	}))
	defer api.Close()

	resp, err := api.Client().Post(api.URL+"/verification/v1/verifications", "application/json", strings.NewReader(`{}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	if err := contracts.CheckResponse(resp); err != nil {
		err = fmt.Errorf("start verification: %w", err)
		var apiErr *contracts.APIError
		if errors.As(err, &apiErr) {
			fmt.Println(apiErr.Response.StatusCode, apiErr.Code, apiErr.Type)
			fmt.Println("retry:", apiErr.Retryable())
		}
		body, _ := io.ReadAll(resp.Body) // CheckResponse put the body back
		fmt.Println(len(body), "bytes of body still readable")
		fmt.Println(err)
	}
	// Output:
	// 400 40005 NumberMissingLeadingPlus
	// retry: false
	// 110 bytes of body still readable
	// start verification: sinch: HTTP 400: errorCode 40005 (NumberMissingLeadingPlus): Phone number missing leading plus sign
}

// ExampleParseErrorBody shows a body that is not what the docs promise:
// the parser recovers and says what it found.
func ExampleParseErrorBody() {
	e := contracts.ParseErrorBody([]byte(`{"errorCode":"40003","message":"Phone number invalid"}`))
	fmt.Println(e.Code, e.Message)
	for _, p := range e.Problems {
		fmt.Println(p.Kind, p.Field)
	}
	// Output:
	// 40003 Phone number invalid
	// missing-field status
	// code-as-string errorCode
}

// ExampleSignRequest signs the Java SDK's test request (facts.md section 2)
// and reproduces its documented signature.
func ExampleSignRequest() {
	body := `{"identity":{"type":"number","endpoint":"+33444555666"},"method":"sms"}`
	req := httptest.NewRequest(http.MethodPost, "https://verification.api.sinch.com/path/pathParamValue", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	cred := contracts.Credentials{Key: "my-key-id", Secret: contracts.NewSecret("bXkta2V5LXNlY3JldA==")}
	now := time.Date(2023, 11, 22, 9, 10, 11, 999_000_000, time.UTC)

	if err := contracts.SignRequest(req, nil, cred, now); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("x-timestamp:", req.Header.Get("x-timestamp"))
	fmt.Println("Authorization:", req.Header.Get("Authorization"))
	fmt.Println("secret:", cred.Secret)
	// Output:
	// x-timestamp: 2023-11-22T09:10:11.999Z
	// Authorization: Application my-key-id:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=
	// secret: REDACTED
}
