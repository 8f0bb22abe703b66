package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/contracts"
)

// testCred is the documented test vector's key and secret (facts.md).
var testCred = contracts.Credentials{Key: "669E367E-6BBA-48AB-AF15-266871C28135", Secret: contracts.NewSecret("BeIukql3pTKJ8RGL5zo0DA==")}

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// verify builds r as Send would and runs the contracts Verifier on it.
func verify(t rapid.TB, r Request) error {
	t.Helper()
	req, err := r.Build(context.Background(), "http://127.0.0.1:9", testCred, testNow, Vars{"id": "0123-id"})
	require.NoError(t, err)
	var body []byte
	if req.Body != nil {
		body, err = io.ReadAll(req.Body)
		require.NoError(t, err)
	}
	v := contracts.Verifier{Credentials: []contracts.Credentials{testCred}, Now: func() time.Time { return testNow }}
	_, err = v.Verify(req, body)
	return err
}

// authFailures are the Verifier's failures each authentication family may
// cause, by variant where it matters.
var authFailures = map[string][]contracts.AuthFailure{
	"40100":                    {contracts.FailureMalformed},
	"40101/absent":             {contracts.FailureNoTimestamp},
	"40101/empty":              {contracts.FailureNoTimestamp},
	"40101/not-iso8601":        {contracts.FailureInvalidTimestamp},
	"40101/garbage":            {contracts.FailureInvalidTimestamp},
	"40101/skewed":             {contracts.FailureSkewedTimestamp},
	"40102":                    {contracts.FailureSignatureMismatch},
	"40104":                    {contracts.FailureNoAuthorization},
	"40107/unknown-key":        {contracts.FailureUnknownKey},
	"40107/basic-wrong-secret": {contracts.FailureBadBasic},
	"40107/basic-unknown-key":  {contracts.FailureBadBasic},
}

func wantAuthFailure(family string) ([]contracts.AuthFailure, bool) {
	if f, ok := authFailures[family]; ok {
		return f, true
	}
	code, _, _ := strings.Cut(family, "/")
	f, ok := authFailures[code]
	return f, ok
}

// jsonDiff lists the paths where two JSON documents differ, stopping at the
// first node that differs (a member present in only one, or unequal leaves).
func jsonDiff(a, b []byte) []string {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return []string{"<not JSON>"}
	}
	var out []string
	var walk func(path string, x, y any)
	walk = func(path string, x, y any) {
		mx, okx := x.(map[string]any)
		my, oky := y.(map[string]any)
		if okx && oky {
			keys := map[string]bool{}
			for k := range mx {
				keys[k] = true
			}
			for k := range my {
				keys[k] = true
			}
			for k := range keys {
				vx, inx := mx[k]
				vy, iny := my[k]
				p := strings.TrimPrefix(path+"."+k, ".")
				if inx != iny {
					out = append(out, p)
					continue
				}
				walk(p, vx, vy)
			}
			return
		}
		xb, _ := json.Marshal(x)
		yb, _ := json.Marshal(y)
		if string(xb) != string(yb) {
			out = append(out, path)
		}
	}
	walk("", x, y)
	return out
}

// commonPrefix is the longest dotted prefix that all paths share.
func commonPrefix(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	parts := strings.Split(paths[0], ".")
	for _, p := range paths[1:] {
		q := strings.Split(p, ".")
		n := 0
		for n < len(parts) && n < len(q) && parts[n] == q[n] {
			n++
		}
		parts = parts[:n]
	}
	return strings.Join(parts, ".")
}

// TestCasesCarryExactlyTheirDefect is the generators' main property: the
// base request is valid (the contracts Verifier accepts it, the docs' body
// rules find nothing), and the case's request differs from it by exactly the
// defect it claims: authentication families fail verification for the
// intended reason with the body untouched; body families pass verification
// and break exactly one documented body rule, at one place, with the codes
// the case expects.
func TestCasesCarryExactlyTheirDefect(t *testing.T) {
	for _, opts := range []Options{{Magic: true}, {Magic: true, StartBase: true}, {Magic: true, Basic: true}, {Magic: true, TestNumber: "+447700900123"}} {
		cat := opts.catalog()
		for _, fam := range Families(opts) {
			name := fam.Name
			if opts.Basic {
				name += "/basic"
			}
			if opts.TestNumber != "" {
				name += "/test-number"
			}
			if opts.StartBase {
				name += "/start-base"
			}
			t.Run(name, rapid.MakeCheck(func(t *rapid.T) {
				c := fam.Gen.Draw(t, "case")
				require.NotEmpty(t, c.Defect)
				require.NotEmpty(t, c.Family)
				if !c.Expect.Success {
					require.NotEmpty(t, c.Expect.Codes)
					for _, code := range c.Expect.Codes {
						spec, ok := cat.Lookup(code)
						require.True(t, ok, "code %d not in the catalog", code)
						assert.Equal(t, spec.HTTPStatus, c.Expect.HTTPStatus, "HTTP status of %d", code)
					}
					assert.Contains(t, fam.Codes, c.Expect.Codes[0], "the case's first code is one of its family's")
				}
				for i, st := range c.Setup {
					assert.NoError(t, verify(t, st.Request), "setup step %d", i)
					assert.Empty(t, bodyViolations(st.Request), "setup step %d", i)
				}
				if c.base == nil { // control, stateful, magic: the request itself is valid
					assert.NoError(t, verify(t, c.Request))
					assert.Empty(t, bodyViolations(c.Request))
					return
				}
				base := *c.base
				require.NoError(t, verify(t, base), "base request")
				require.Empty(t, bodyViolations(base), "base request")
				assert.Equal(t, base.Method, c.Request.Method)
				assert.Equal(t, base.Header, c.Request.Header)

				err := verify(t, c.Request)
				if want, ok := wantAuthFailure(c.Family); ok {
					var ae *contracts.AuthError
					require.True(t, errors.As(err, &ae), "want an AuthError, got %v", err)
					assert.Contains(t, want, ae.Failure)
					assert.Equal(t, base.Path, c.Request.Path)
					assert.Equal(t, string(base.Body), string(c.Request.Body))
					return
				}
				require.NoError(t, err, "only the body may be defective")
				assert.Equal(t, base.Path, c.Request.Path)
				if c.Code() == 40400 {
					assert.Empty(t, bodyViolations(c.Request))
					// Every documented route is under /verifications/; an
					// unknown route is one segment under /verification/v1.
					routed := strings.HasPrefix(c.Request.Path, "/verification/v1/verifications/")
					assert.Equal(t, !strings.HasSuffix(c.Family, "unknown-route"), routed, "routing of %s", c.Request.Path)
					return
				}
				vs := bodyViolations(c.Request)
				require.Len(t, vs, 1, "exactly one documented body rule broken: %v", vs)
				assert.ElementsMatch(t, c.Expect.Codes, vs[0].codes, vs[0].reason)
				diff := jsonDiff(base.Body, c.Request.Body)
				require.NotEmpty(t, diff)
				assert.NotEmpty(t, commonPrefix(diff), "the defect is in one place, got %v", diff)
			}))
		}
	}
}

func TestDrawIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, fam := range Families(Options{Magic: true}) {
		a, b := Draw(fam, 42, 20), Draw(fam, 42, 20)
		require.Equal(t, a, b, fam.Name)
		for i, c := range a {
			assert.Equal(t, CaseSeed(42, fam.Name, i), c.Seed)
			assert.Equal(t, c, DrawOne(fam, c.Seed))
		}
		assert.NotEqual(t, a, Draw(fam, 43, 20), "another run seed draws other cases (%s)", fam.Name)
	}
}

// TestSameSeedSameBytes: only x-timestamp and Authorization change with the
// send time.
func TestSameSeedSameBytes(t *testing.T) {
	t.Parallel()
	for _, fam := range Families(Options{}) {
		for _, c := range Draw(fam, 7, 10) {
			r1, err := c.Request.Build(context.Background(), "http://127.0.0.1:9", testCred, testNow, Vars{"id": "x"})
			require.NoError(t, err)
			r2, err := c.Request.Build(context.Background(), "http://127.0.0.1:9", testCred, testNow.Add(time.Hour), Vars{"id": "x"})
			require.NoError(t, err)
			assert.Equal(t, r1.URL.String(), r2.URL.String())
			assert.Equal(t, r1.Method, r2.Method)
			h1, h2 := r1.Header.Clone(), r2.Header.Clone()
			for _, h := range []string{"Authorization", contracts.HeaderTimestamp} {
				h1.Del(h)
				h2.Del(h)
			}
			assert.Equal(t, h1, h2)
			if c.Request.Auth.Scheme == AuthSigned && !c.Request.Timestamp.Omit && c.Request.Timestamp.Literal == "" && !c.Request.Timestamp.Empty {
				assert.NotEqual(t, r1.Header.Get("Authorization"), r2.Header.Get("Authorization"), "%s: signed at send time", c.Family)
			}
		}
	}
}

func TestCaseSeed(t *testing.T) {
	t.Parallel()
	seen := map[uint64]bool{}
	for _, fam := range []string{"40001", "40002", "control"} {
		for i := range 1000 {
			s := CaseSeed(1, fam, i)
			require.NotZero(t, s)
			require.False(t, seen[s], "seed collision")
			seen[s] = true
		}
	}
	assert.Equal(t, CaseSeed(9, "40005", 3), CaseSeed(9, "40005", 3))
}

func TestFamiliesCoverEveryClientCode(t *testing.T) {
	t.Parallel()
	cat := contracts.DefaultCatalog()
	covered := map[int]bool{}
	for _, f := range Families(Options{Magic: true}) {
		for _, c := range f.Codes {
			covered[c] = true
		}
		assert.NotEmpty(t, f.Doc, f.Name)
		if f.Stateful {
			assert.True(t, slices.ContainsFunc(Draw(f, 1, 50), func(c Case) bool { return len(c.Setup) > 0 }), "%s is stateful", f.Name)
		}
	}
	for _, s := range cat.Errors() {
		assert.True(t, covered[s.Code], "no family for %d (%s)", s.Code, s.Trigger)
	}
	for _, f := range Families(Options{}) {
		assert.NotContains(t, f.Name, "/magic")
		for _, c := range Draw(f, 1, 20) {
			assert.NotContains(t, c.Family, "/magic", "magic cases only with Options.Magic")
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	assert.NoError(t, Options{}.Validate())
	assert.NoError(t, Options{TestNumber: "+447700900123"}.Validate())
	assert.ErrorContains(t, Options{TestNumber: "447700900123"}.Validate(), "TestNumber")
	assert.ErrorContains(t, Options{MaxSkew: -time.Second}.Validate(), "MaxSkew")
}

func TestBuildBasicAndPrefix(t *testing.T) {
	t.Parallel()
	r := get("/verification/v1/verifications/id/{id}", Auth{Scheme: AuthBasic})
	req, err := r.Build(context.Background(), "http://127.0.0.1:9/prefix/", testCred, testNow, Vars{"id": "abc"})
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/prefix/verification/v1/verifications/id/abc", req.URL.String())
	assert.Equal(t, contracts.BasicAuthorization(testCred), req.Header.Get("Authorization"))
	_, err = r.Build(context.Background(), "http://127.0.0.1:9", testCred, testNow, nil)
	assert.ErrorContains(t, err, "{id}")
	assert.Equal(t, http.MethodGet, req.Method)
}
