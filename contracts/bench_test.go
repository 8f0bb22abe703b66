package contracts_test

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// benchBody is a typical error answer: the golden 40001 body, the longest of
// the documented ones.
func benchBody(b *testing.B) []byte {
	b.Helper()
	body, ok := fixtures.Golden(40001)
	if !ok {
		b.Fatal("no golden body for 40001")
	}
	return body
}

// BenchmarkParseErrorBody is measured against BenchmarkParseErrorBodyBaseline:
// the goal is at most 1.5x the baseline's ns/op.
func BenchmarkParseErrorBody(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if e := contracts.ParseErrorBody(body); e.Code != 40001 {
			b.Fatalf("errorCode = %d, want 40001", e.Code)
		}
	}
}

// BenchmarkParseErrorBodyBaseline is the least any parser must do: one
// json.Unmarshal of the same body into a plain struct.
func BenchmarkParseErrorBodyBaseline(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var v struct {
			Status    string
			ErrorCode int
			Message   string
			Reference string
		}
		if err := json.Unmarshal(body, &v); err != nil || v.ErrorCode != 40001 {
			b.Fatalf("errorCode = %d, %v; want 40001", v.ErrorCode, err)
		}
	}
}

var benchCred = contracts.Credentials{Key: "669E367E-6BBA-48AB-AF15-266871C28135", Secret: contracts.NewSecret("BeIukql3pTKJ8RGL5zo0DA==")}

const benchStartBody = `{"identity": {"type": "number", "endpoint": "+46700000000"}, "method": "sms"}`

// BenchmarkSign and BenchmarkVerify are measured against
// BenchmarkSignVerifyPrimitives: the goal is Verify at most 2x its ns/op.
func BenchmarkSign(b *testing.B) {
	body := []byte(benchStartBody)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := contracts.Sign(benchCred, "POST", "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	body := []byte(benchStartBody)
	now := time.Date(2014, 6, 4, 13, 41, 58, 0, time.UTC)
	req := httptest.NewRequest("POST", "/verification/v1/verifications", nil)
	req.Header.Set("Content-Type", "application/json")
	if err := contracts.SignRequest(req, body, benchCred, now); err != nil {
		b.Fatal(err)
	}
	v := &contracts.Verifier{Credentials: []contracts.Credentials{benchCred}, Now: func() time.Time { return now }}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(req, body); err != nil {
			b.Fatal(err)
		}
	}
}

var benchSum []byte

// BenchmarkSignVerifyPrimitives is the least that signing or verifying the
// benchmarks' request computes: HMAC-SHA256 of its string to sign and MD5 of
// its body, with crypto/hmac and crypto/md5, the key already decoded.
func BenchmarkSignVerifyPrimitives(b *testing.B) {
	body := []byte(benchStartBody)
	s, err := contracts.Sign(benchCred, "POST", "/verification/v1/verifications", "application/json", "2014-06-04T13:41:58Z", body)
	if err != nil {
		b.Fatal(err)
	}
	key, err := benchCred.Secret.Key()
	if err != nil {
		b.Fatal(err)
	}
	stringToSign := []byte(s.StringToSign)
	b.ReportAllocs()
	for b.Loop() {
		m := hmac.New(sha256.New, key)
		m.Write(stringToSign)
		benchSum = m.Sum(benchSum[:0])
		sum := md5.Sum(body)
		benchSum = append(benchSum, sum[:]...)
	}
}
