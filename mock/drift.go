package mock

import (
	"crypto/hmac"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vcheck/vcheck/contracts"
)

// Drift is a drift mutant: a mock that breaks the documented contract in
// exactly one named way, so that a runner can show each of its checks fail.
type Drift struct {
	// Name is what Config.Drift and `vcheck serve --drift` take.
	Name string
	// Description says what the mutant changes, in one line.
	Description string
	// Codes are the documented codes whose contract it breaks.
	Codes []int
}

// hooks are the points at which a drift mutant changes the faithful mock.
// A nil hook is the faithful behaviour, and the faithful mock has none, so
// that its path reads without mutants and pays a nil check at most. Each
// mutant fills in the hooks it needs (see mutants); a new mutant is a new
// entry there.
type hooks struct {
	// before runs ahead of everything else; false means the request is
	// abandoned unanswered (its client is gone).
	before func(s *Server, r *http.Request) bool
	// authFailure gets a failed authentication's Verify failure and the
	// code the faithful mock answers, and returns the code to answer (0:
	// authenticated). It sees every failure Verify reports as a
	// *contracts.AuthError, the repeated-header ones included.
	authFailure func(s *Server, r *http.Request, body []byte, f contracts.AuthFailure, code int) int
	// velocityWindow gets Config.VelocityWindow and returns the window a
	// start is judged by.
	velocityWindow func(window time.Duration) time.Duration
	// reportError gets a report body's validation error and its code as
	// sent (a string, valid or not) and returns the error to answer.
	reportError func(e reqError, code string) reqError
	// errorAnswer returns the error answer to write in place of a, the
	// faithful one, for code (spec is its catalog entry, msg the message
	// fail was given, "" for the documented one). By value: a pointer to
	// fail's answer would move it to the heap on the faithful path too.
	errorAnswer func(a errorAnswer, spec contracts.Spec, code int, msg string) errorAnswer
	// writeTimeout gets NewHTTPServer's WriteTimeout and returns the one to
	// serve s with.
	writeTimeout func(s *Server, write time.Duration) time.Duration
}

// mutant is a drift mutant and the hooks that make it.
type mutant struct {
	Drift
	hooks hooks
}

// mutants returns every drift mutant, in a fixed order.
func mutants() []mutant {
	all := contracts.DefaultCatalog().Codes()
	return []mutant{
		{Drift{"wrong-code", "a number without its leading plus answers errorCode 40002 instead of 40005 (the rest of the 40005 body unchanged: the published example of erratum 1)", []int{40005}},
			hooks{errorAnswer: func(a errorAnswer, spec contracts.Spec, code int, msg string) errorAnswer {
				if code == 40005 {
					msg = strings.Join(spec.Messages, " / ")
					spec.Code = 40002
				}
				a.body = driftBody(spec.Status, spec.Code, messageOr(spec, msg))
				return a
			}}},
		{Drift{"code-as-string", `every error body sends errorCode as a JSON string ("40005") instead of a number`, all},
			hooks{errorAnswer: func(a errorAnswer, spec contracts.Spec, _ int, msg string) errorAnswer {
				a.body = driftBody(spec.Status, strconv.Itoa(spec.Code), messageOr(spec, msg))
				return a
			}}},
		{Drift{"wrong-status-string", `every error body's status names the HTTP reason instead of the documented type ("400 BadRequest" for "400 NumberMissingLeadingPlus")`, all},
			hooks{errorAnswer: func(a errorAnswer, spec contracts.Spec, _ int, msg string) errorAnswer {
				status := strconv.Itoa(spec.HTTPStatus) + " " + strings.ReplaceAll(http.StatusText(spec.HTTPStatus), " ", "")
				a.body = driftBody(status, spec.Code, messageOr(spec, msg))
				return a
			}}},
		{Drift{"wrong-http-status", "every error is sent with HTTP 400, and the documented 400 errors with HTTP 422; the bodies are unchanged", all},
			hooks{errorAnswer: func(a errorAnswer, spec contracts.Spec, _ int, _ string) errorAnswer {
				a.status = http.StatusBadRequest
				if spec.HTTPStatus == http.StatusBadRequest {
					a.status = http.StatusUnprocessableEntity
				}
				return a
			}}},
		{Drift{"html-error-page", `every error is a "gateway" page: HTTP 503, Content-Type text/html, an HTML body`, all},
			hooks{errorAnswer: func(errorAnswer, contracts.Spec, int, string) errorAnswer {
				return errorAnswer{http.StatusServiceUnavailable, []string{"text/html"}, []byte(gatewayPage)}
			}}},
		{Drift{"no-content-type", "every error body is sent without a Content-Type header", all},
			hooks{errorAnswer: func(a errorAnswer, _ contracts.Spec, _ int, _ string) errorAnswer {
				a.contentType = nil // nil, not absent: net/http would sniff one
				return a
			}}},
		{Drift{"empty-message", `every error body's message is ""`, all},
			hooks{errorAnswer: func(a errorAnswer, spec contracts.Spec, _ int, _ string) errorAnswer {
				a.body = driftBody(spec.Status, spec.Code, "")
				return a
			}}},
		{Drift{"accept-bad-signature", "a signature that does not verify is accepted (no 40102)", []int{40102}},
			hooks{authFailure: func(_ *Server, _ *http.Request, _ []byte, f contracts.AuthFailure, code int) int {
				if f == contracts.FailureSignatureMismatch {
					return 0
				}
				return code
			}}},
		{Drift{"ignore-timestamp", "x-timestamp is not checked: absent, not ISO-8601 or skewed is accepted when the signature covers it as sent (no 40101)", []int{40101}},
			hooks{authFailure: func(s *Server, r *http.Request, body []byte, f contracts.AuthFailure, code int) int {
				if !slices.Contains(timestampFailures, f) {
					return code
				}
				if s.signedAsSent(r, body) {
					return 0
				}
				return 40102
			}}},
		{Drift{"no-velocity-limit", "a second start to the same number inside the velocity window is accepted (no 42901)", []int{42901}},
			hooks{velocityWindow: func(time.Duration) time.Duration { return 0 }}},
		{Drift{"server-error-on-long-code", "a report code longer than 10 characters answers HTTP 500 with 50000 instead of 40001", []int{40001}},
			hooks{reportError: func(e reqError, code string) reqError {
				if e.code == 40001 && utf8.RuneCountInString(code) > maxCodeLen {
					return reqError{50000, ""}
				}
				return e
			}}},
		{Drift{"slow", "every answer comes after Config.SlowDelay (default 3s): longer than a runner's timeout", all},
			hooks{
				before: func(s *Server, r *http.Request) bool {
					t := time.NewTimer(s.cfg.SlowDelay)
					select {
					case <-t.C:
						return true
					case <-r.Context().Done():
						t.Stop()
						return false // the client is gone
					}
				},
				// stretched past the delay, so that the late answer still gets written
				writeTimeout: func(s *Server, write time.Duration) time.Duration {
					return max(write, s.cfg.SlowDelay+WriteTimeout)
				},
			}},
	}
}

// Drifts returns every drift mutant, in a fixed order.
func Drifts() []Drift {
	ms := mutants()
	ds := make([]Drift, len(ms))
	for i, m := range ms {
		ds[i] = m.Drift
	}
	return ds
}

func mutantByName(name string) (mutant, bool) {
	ms := mutants()
	i := slices.IndexFunc(ms, func(m mutant) bool { return m.Name == name })
	if i < 0 {
		return mutant{}, false
	}
	return ms[i], true
}

func driftNames() string {
	var names []string
	for _, d := range Drifts() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}

// gatewayPage is what the html-error-page drift sends: a proxy's page, not
// the API's.
const gatewayPage = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n"

// messageOr is msg, or the documented messages joined when it is empty:
// the message of a body drift's error body.
func messageOr(spec contracts.Spec, msg string) string {
	if msg == "" {
		return strings.Join(spec.Messages, " / ")
	}
	return msg
}

// driftBody is an error body as a body drift writes it.
func driftBody(status string, code any, msg string) []byte {
	b, _ := json.Marshal(struct {
		Status    string `json:"status"`
		ErrorCode any    `json:"errorCode"`
		Message   string `json:"message"`
	}{status, code, msg})
	return b
}

// signedAsSent reports whether the Application signature covers the request
// with its x-timestamp as sent, whatever that is: the ignore-timestamp
// drift's check, with the contracts package's signing. A repeated
// x-timestamp or Content-Type has no "as sent": not signed.
func (s *Server) signedAsSent(r *http.Request, body []byte) bool {
	if repeated(r.Header, headerTimestamp) || repeated(r.Header, headerContentType) {
		return false
	}
	auth, err := contracts.ParseAuthorization(r.Header.Get(headerAuthorization))
	if err != nil || auth.Scheme != contracts.SchemeApplication {
		return false
	}
	for _, cred := range s.cfg.Credentials {
		if cred.Key != auth.Key {
			continue
		}
		forms := []string{r.URL.Path, r.URL.EscapedPath()}
		if r.URL.RawQuery != "" {
			forms = append(forms, r.URL.Path+"?"+r.URL.RawQuery, r.URL.EscapedPath()+"?"+r.URL.RawQuery)
		}
		for _, path := range forms {
			signed, err := contracts.Sign(cred, r.Method, path, r.Header.Get(headerContentType), r.Header.Get(contracts.HeaderTimestamp), body)
			if err == nil && hmac.Equal([]byte(signed.Signature), []byte(auth.Signature)) {
				return true
			}
		}
	}
	return false
}
