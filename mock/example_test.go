package mock_test

import (
	"fmt"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// A Go SDK's unit test registers one documented error on its HTTP client's
// transport and checks how the SDK surfaces it.
func ExampleRegisterError() {
	transport := httpmock.NewMockTransport()
	client := &http.Client{Transport: transport}
	const url = "https://verification.api.sinch.com/verification/v1/verifications"
	if err := mock.RegisterError(transport, http.MethodPost, url, 40005); err != nil {
		fmt.Println(err)
		return
	}

	resp, err := client.Post(url, "application/json", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	e := contracts.ParseError(resp)
	fmt.Println(e.HTTPStatus, e.Code, e.Type)
	fmt.Println(e.Message)
	// Output:
	// 400 40005 NumberMissingLeadingPlus
	// Phone number missing leading plus sign
}

// The whole mock on a transport: signed requests get the mock's answers,
// state included, without a server.
func ExampleRegisterResponders() {
	transport := httpmock.NewMockTransport()
	if err := mock.RegisterResponders(transport, "https://verification.api.sinch.com", mock.Config{}); err != nil {
		fmt.Println(err)
		return
	}
	client := &http.Client{Transport: transport}

	req, _ := http.NewRequest(http.MethodGet, "https://verification.api.sinch.com/verification/v1/verifications/id/unknown", nil)
	resp, err := client.Do(req) // not signed
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	e := contracts.ParseError(resp)
	fmt.Println(e.HTTPStatus, e.Code, e.Message)
	// Output:
	// 401 40104 Authorization required
}
