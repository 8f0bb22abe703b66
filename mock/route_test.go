package mock

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRoutePins pins the routing, above all that
// /verification/v1/verifications/id/{id} is never taken for
// /{method}/number/{endpoint} or a legacy /{type}/{endpoint} form.
func TestRoutePins(t *testing.T) {
	t.Parallel()
	const p = "/verification/v1/verifications"
	rows := []struct {
		method, path string
		want         match
	}{
		{"POST", p, match{op: opStart, allow: "POST"}},
		{"GET", p, match{allow: "POST"}},
		{"GET", p + "/id/abc", match{op: opStatusByID, param: "abc", allow: "GET, PUT"}},
		{"PUT", p + "/id/abc", match{op: opReportByID, param: "abc", allow: "GET, PUT"}},
		{"DELETE", p + "/id/abc", match{param: "abc", allow: "GET, PUT"}},
		// an id that looks like a method or a route word is still an id
		{"GET", p + "/id/number", match{op: opStatusByID, param: "number", allow: "GET, PUT"}},
		{"GET", p + "/id/sms", match{op: opStatusByID, param: "sms", allow: "GET, PUT"}},
		{"GET", p + "/id/%2B447700900123", match{op: opStatusByID, param: "+447700900123", allow: "GET, PUT"}},
		{"GET", p + "/id/a%2Fb", match{op: opStatusByID, param: "a/b", allow: "GET, PUT"}},
		// "id" is not a method: /id/number/{endpoint} is no route at all
		{"GET", p + "/id/number/+447700900123", match{}},
		{"GET", p + "/id/number/", match{}},
		{"GET", p + "/sms/number/+447700900123", match{op: opStatusByIdentity, param: "+447700900123", method: methodSMS, allow: "GET"}},
		{"GET", p + "/flashCall/number/+447700900123", match{op: opStatusByIdentity, param: "+447700900123", method: methodFlashCall, allow: "GET"}},
		{"GET", p + "/callout/number/%2B447700900123", match{op: opStatusByIdentity, param: "+447700900123", method: methodCallout, allow: "GET"}},
		{"GET", p + "/reference/number/+447700900123", match{}},
		{"GET", p + "/pigeon/number/+447700900123", match{}},
		{"PUT", p + "/number/+447700900123", match{op: opReportByNumber, param: "+447700900123", allow: "PUT"}},
		{"GET", p + "/number/+447700900123", match{param: "+447700900123", allow: "PUT"}},
		{"GET", p + "/reference/my%20ref", match{op: opStatusByReference, param: "my ref", allow: "GET"}},
		// legacy and near-miss forms
		{"GET", p + "/sms/+447700900123", match{}},
		{"GET", p + "/number/+447700900123/sms", match{}},
		{"GET", p + "/", match{}},
		{"GET", p + "/id/", match{}},
		{"GET", p + "/id//x", match{}},
		{"GET", p + "/id/%zz", match{}},
		{"GET", "/verification/v1/verification", match{}},
		{"GET", "/", match{}},
		{"GET", "/v1/verifications/id/abc", match{}},
	}
	for _, row := range rows {
		assert.Equal(t, row.want, route(row.method, row.path), "%s %s", row.method, row.path)
	}
}
