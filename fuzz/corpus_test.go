package fuzz

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the named seed files in testdata/fuzz")

// seed is one named corpus file: its arguments in the order of the target's
// f.Fuzz function.
type seed struct {
	name string
	args []any
}

// signingVector is a documented request (facts.md section 2) as
// FuzzSignVerify takes it.
type signingVector struct {
	name, method, path, contentType, body, timestamp, key, secret string
}

// signingVectors are the requests of facts.md section 2 whose signatures
// reproduce (contracts/signing_test.go pins the signatures), and the SDK
// path forms of section 4.
var signingVectors = []signingVector{
	{"vector-sms-5f5c", "POST", "/v1/sms/+46700000000", "application/json", `{"message":"Hello world"}`, "2014-06-04T13:41:58Z", "5F5C418A0F914BBC8234A9BF5EDDAD97", "JViE5vDor0Sw3WllZka15Q=="},
	{"vector-start-669e", "POST", "/verification/v1/verifications", "application/json", `{"identity": {"type": "number", "endpoint": "+46700000000"}, "method": "sms"}`, "2014-06-04T13:41:58Z", "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA=="},
	{"vector-start-empty-body-669e", "POST", "/verification/v1/verifications", "application/json", "", "2014-06-04T13:41:58Z", "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA=="},
	{"vector-ace-callback-669e", "POST", "/sinch/callback/ace", "application/json", `{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}`, "2014-09-24T10:59:41Z", "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA=="},
	{"vector-java-my-key-id-charset", "POST", "/path/pathParamValue", "application/json; charset=UTF-8", `{"identity":{"type":"number","endpoint":"+33444555666"},"method":"sms"}`, "2023-11-22T09:10:11.999Z", "my-key-id", "bXkta2V5LXNlY3JldA=="},
	{"node-reference-my-ref-percent-encoded", "GET", "/verification/v1/verifications/reference/my%20ref", "application/json", "", "2023-11-22T09:10:11.999Z", "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA=="},
	{"status-by-identity-with-query", "GET", "/verification/v1/verifications/sms/number/+46700000000?trace=1", "", "", "2023-11-22T09:10:11.999Z", "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA"},
	{"report-by-id-url-safe-secret", "PUT", "/verification/v1/verifications/id/1234", "application/json", `{"method":"sms","sms":{"code":"123"}}`, "2023-11-22T09:10:11.999Z", "669E367E-6BBA-48AB-AF15-266871C28135", "-_8AAAAAAAAAAAAAAAAAAA"},
}

// corpusSeeds returns the named seed files of every target. They are built
// from the catalog (every published example body verbatim, named for the
// erratum it carries) and from the documented signing vectors, so that they
// cannot drift from the facts by hand.
func corpusSeeds(t *testing.T) map[string][]seed {
	t.Helper()
	c := contracts.DefaultCatalog()
	const js = "application/json"
	var bodies []seed
	for _, s := range c.Errors() {
		bodies = append(bodies, seed{exampleName(t, c, s), []any{s.HTTPStatus, js, []byte(s.Example)}})
	}
	s42200, ok := c.Lookup(42200)
	require.True(t, ok)
	bodies = append(bodies,
		seed{"erratum-4-http-420-42200", []any{420, js, s42200.Body("")}},
		seed{"erratum-5-errorcode-as-string", []any{400, js, []byte(`{"status":"400 ParameterValidation","errorCode":"40001","message":"Supplied SMS code invalid format"}`)}},
		seed{"erratum-10-no-status-40001", []any{400, js, []byte(`{"errorCode": 40001, "message": "Number +4813 is invalid. Too short."}`)}},
		seed{"html-502-gateway-page", []any{502, "text/html", []byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")}},
		seed{"empty-body-503", []any{503, js, []byte{}}},
		seed{"reference-and-unknown-field", []any{404, "application/json; charset=utf-8", []byte(`{"status":"404 ResourceNotFound","errorCode":40400,"message":"Requested resource not found","reference":"a1b2","traceId":"t-9"}`)}},
		seed{"escapes-take-the-general-path", []any{400, js, []byte(`{"st\u0061tus":"400 InvalidRequest","errorCode":40003,"message":"Phone number \"+46\" invalid"}`)}},
		seed{"json-array", []any{400, js, []byte(`[{"errorCode":40001}]`)}},
	)

	var statuses []seed
	for _, s := range c.Errors() {
		statuses = append(statuses, seed{fmt.Sprintf("status-%d", s.Code), []any{s.Status}})
	}
	statuses = append(statuses,
		seed{"erratum-2-401-restrictedaction", []any{"401 RestrictedAction"}},
		seed{"erratum-12-401-timestampheader", []any{"401 TimestampHeader"}},
		seed{"no-type", []any{"400"}},
		seed{"two-spaces", []any{"400  ParameterValidation"}},
		seed{"http-reason-phrase", []any{"400 Bad Request"}},
	)

	var headers, signVerify []seed
	for _, v := range signingVectors {
		ts, err := contracts.ParseTimestamp(v.timestamp)
		require.NoError(t, err, v.name)
		signVerify = append(signVerify, seed{v.name, []any{v.method, v.path, v.contentType, []byte(v.body), ts.UnixMilli(), v.key, v.secret}})
		if v.name == "node-reference-my-ref-percent-encoded" || v.name == "status-by-identity-with-query" || v.name == "report-by-id-url-safe-secret" {
			continue // not documented signatures
		}
		cred := contracts.Credentials{Key: v.key, Secret: contracts.NewSecret(v.secret)}
		signed, err := contracts.Sign(cred, v.method, v.path, v.contentType, v.timestamp, []byte(v.body))
		require.NoError(t, err, v.name)
		headers = append(headers,
			seed{"application-" + v.name, []any{signed.Authorization}},
			seed{"basic-" + v.name, []any{contracts.BasicAuthorization(cred)}},
		)
	}
	signVerify = append(signVerify,
		// Found by FuzzSignVerify: base64 decoders skip line breaks, so
		// Secret.Key turned "\r" into an empty HMAC key instead of an error.
		seed{"regression-secret-of-line-breaks-is-no-key", []any{"0", "/ 00", "0", []byte("0"), int64(-1), "0", "\r"}},
		// Found by FuzzSignVerify: a key "\r" signs, but no header carries
		// it (ParseAuthorization trims it away); such keys are not inputs.
		seed{"regression-key-of-a-carriage-return", []any{"0", "/", "0", []byte("0"), int64(-1), "\r", "00"}},
	)
	headers = append(headers,
		seed{"lowercase-scheme", []any{"application 669E367E-6BBA-48AB-AF15-266871C28135:h6rXrFayOoggyHW4ymnLlfSDkZZPg6j98lHzvOXVjvw="}},
		seed{"bearer", []any{"Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"}},
		seed{"no-colon", []any{"Application 669E367E-6BBA-48AB-AF15-266871C28135"}},
		seed{"basic-secret-with-colon", []any{"Basic a2V5OnNlOmNyZXQ="}},
	)
	return map[string][]seed{
		"FuzzParseErrorBody":      bodies,
		"FuzzParseStatus":         statuses,
		"FuzzAuthorizationHeader": headers,
		"FuzzSignVerify":          signVerify,
		"FuzzProxyHandler":        proxySeeds(),
	}
}

// exampleName names an example body's seed for the erratum it carries:
// example-40005-erratum-1-errorcode-40002, example-40001.
func exampleName(t *testing.T, c *contracts.Catalog, s contracts.Spec) string {
	var ex struct {
		Status    string `json:"status"`
		ErrorCode int    `json:"errorCode"`
	}
	require.NoError(t, json.Unmarshal(s.Example, &ex), "%d", s.Code)
	name := fmt.Sprintf("example-%d", s.Code)
	for _, e := range c.Errata() {
		if !slices.Contains(e.Codes, s.Code) {
			continue
		}
		switch {
		case e.Check == "example-code" && ex.ErrorCode != s.Code:
			name += fmt.Sprintf("-erratum-%d-errorcode-%d", e.ID, ex.ErrorCode)
		case e.Check == "example-status" && ex.Status != s.Status:
			n, _, err := contracts.ParseStatus(ex.Status)
			require.NoError(t, err)
			name += fmt.Sprintf("-erratum-%d-status-%d", e.ID, n)
		}
	}
	return name
}

// marshalCorpus writes a corpus file exactly as the go command does
// (internal/fuzz marshalCorpusFile) for the argument kinds used here.
func marshalCorpus(args ...any) []byte {
	b := []byte("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case int, int64, bool:
			b = fmt.Appendf(b, "%T(%v)\n", v, v)
		case string:
			b = fmt.Appendf(b, "string(%q)\n", v)
		case []byte:
			b = fmt.Appendf(b, "[]byte(%q)\n", v)
		default:
			panic(fmt.Sprintf("corpus: unsupported type %T", v))
		}
	}
	return b
}

// engineName is how the fuzzing engine names what it finds.
var engineName = regexp.MustCompile(`^[0-9a-f]{16}$`)

// TestCorpusFiles checks that every named seed file is what corpusSeeds
// writes today, and that no named file is left over from an older seed
// list. With -update-corpus it rewrites them first.
func TestCorpusFiles(t *testing.T) {
	for target, seeds := range corpusSeeds(t) {
		dir := filepath.Join("testdata", "fuzz", target)
		want := map[string][]byte{}
		for _, s := range seeds {
			require.NotContains(t, want, s.name, "%s: two seeds named %s", target, s.name)
			want[s.name] = marshalCorpus(s.args...)
		}
		if *updateCorpus {
			require.NoError(t, os.MkdirAll(dir, 0o755))
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			for _, e := range entries {
				if _, ok := want[e.Name()]; !ok && !engineName.MatchString(e.Name()) {
					require.NoError(t, os.Remove(filepath.Join(dir, e.Name())))
				}
			}
			for name, data := range want {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
			}
		}
		for name, data := range want {
			got, err := os.ReadFile(filepath.Join(dir, name))
			if assert.NoError(t, err, "%s/%s: run go test ./fuzz -run TestCorpusFiles -update-corpus", target, name) {
				assert.Equal(t, string(data), string(got), "%s/%s is stale: run go test ./fuzz -run TestCorpusFiles -update-corpus", target, name)
			}
		}
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			_, named := want[e.Name()]
			assert.True(t, named || engineName.MatchString(e.Name()), "%s/%s is no seed of corpusSeeds and no engine find: rename it into the seed list or delete it", target, e.Name())
		}
	}
}
