package conformance

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/contracts"
)

// genUUID draws an upper-case UUID-shaped string, the shape of application
// keys and verification ids.
func genUUID() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		b := rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "uuid bytes")
		h := hex.EncodeToString(b)
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	})
}

// genSecret draws a well-formed secret (base64 of 16 bytes) that is not the
// caller's: the probability of drawing the real one is 2^-128.
func genSecret() *rapid.Generator[contracts.Secret] {
	return rapid.Custom(func(t *rapid.T) contracts.Secret {
		b := rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "secret bytes")
		return contracts.NewSecret(base64.StdEncoding.EncodeToString(b))
	})
}

// authBase draws the valid request that an authentication defect is applied
// to, from o.AuthBases(): a report to an unknown id or a status of an
// unknown id, and with StartBase also a start to a drama number. With
// correct authentication a report or status lookup fails after
// authentication (404) and a start reaches no one. The defect does not
// depend on the base, so nothing is lost by leaving the start out off
// loopback: a target that tolerated the defect would execute the base, and
// executing a start means a real verification.
func (g *gens) authBase(t *rapid.T) Request {
	signed := Auth{Scheme: AuthSigned}
	switch rapid.SampledFrom(g.o.AuthBases()).Draw(t, "base request") {
	case AuthBaseReport:
		id := genUUID().Draw(t, "unknown id")
		code := genReportCode(1, maxReportCode).Draw(t, "code")
		return put(pathByID+id, reportBody("sms", code), signed)
	case AuthBaseStatus:
		return get(pathByID+genUUID().Draw(t, "unknown id"), signed)
	}
	number := g.mobile.Draw(t, "number")
	return post(pathStart, startBody(number, "sms", ""), signed)
}

// malformedAuth is an Authorization template that is present but malformed.
type malformedAuth struct {
	name, template, defect string
}

var malformedAuths = []malformedAuth{
	{"scheme-bearer", "Bearer {key}:{signature}", "uses the scheme Bearer"},
	{"scheme-typo", "Applicaton {key}:{signature}", "misspells the scheme Application"},
	{"scheme-only", "Application", "has the scheme and nothing else"},
	{"no-colon", "Application {key}{signature}", "has no colon between key and signature"},
	{"empty-key", "Application :{signature}", "has an empty key"},
	{"empty-signature", "Application {key}:", "has an empty signature"},
	{"not-base64", "Application {key}:*not-base64*", "has a signature that is not base64"},
	{"short-signature", "Application {key}:c2lnbmF0dXJl", "has a signature that is not a 32-byte HMAC"},
	{"double-space", "Application  {key}:{signature}", "has two spaces after the scheme"},
	{"space-after-colon", "Application {key}: {signature}", "has a space after the colon"},
	{"space-before-colon", "Application {key} :{signature}", "has a space before the colon"},
	{"basic-not-base64", "Basic *not-base64*", "has Basic credentials that are not base64"},
	{"basic-no-colon", "Basic a2V5b25seQ==", "has Basic credentials without a colon (base64 of \"keyonly\")"},
}

func (g *gens) family40100() Family {
	gen := rapid.Custom(func(t *rapid.T) Case {
		m := rapid.SampledFrom(malformedAuths).Draw(t, "malformed")
		req := g.authBase(t)
		base := req
		req.Auth = Auth{Scheme: AuthRaw, Template: m.template}
		return Case{
			Family:  "40100/" + m.name,
			Defect:  fmt.Sprintf("Authorization %q %s", m.template, m.defect),
			Request: req,
			base:    &base,
			Expect:  Expectation{HTTPStatus: 401, Codes: []int{40100}},
		}
	})
	return Family{Name: "40100", Doc: "malformed Authorization: wrong scheme, no colon, empty key, non-base64 signature, extra spaces",
		Codes: []int{40100}, Gen: gen}
}

// badLayouts are x-timestamp formats that are not ISO-8601.
var badLayouts = []struct{ name, layout string }{
	{"RFC 1123", time.RFC1123},
	{"RFC 850", time.RFC850},
	{"ANSI C", time.ANSIC},
	{"Unix seconds", LayoutUnix},
	{"day/month/year", "02/01/2006 15:04:05"},
	{"month name", "January 2 2006 15:04:05"},
}

func (g *gens) family40101() Family {
	skew := g.o.maxSkew()
	minOff := max(2*skew, time.Hour)
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom([]string{"absent", "empty", "not-iso8601", "garbage", "skewed"}).Draw(t, "variant")
		req := g.authBase(t)
		base := req
		var defect string
		switch variant {
		case "absent":
			req.Timestamp = Timestamp{Omit: true}
			defect = "no x-timestamp header"
		case "empty":
			req.Timestamp = Timestamp{Empty: true}
			defect = "x-timestamp is empty"
		case "not-iso8601":
			l := rapid.SampledFrom(badLayouts).Draw(t, "layout")
			req.Timestamp = Timestamp{Layout: l.layout}
			defect = fmt.Sprintf("x-timestamp is the send time in %s form, not ISO-8601", l.name)
		case "garbage":
			v := rapid.SampledFrom([]string{"yesterday", "now", "0", "not-a-time", "2014-13-45T99:99:99Z"}).Draw(t, "value")
			req.Timestamp = Timestamp{Literal: v}
			defect = fmt.Sprintf("x-timestamp is %q", v)
		default: // skewed
			minutes := rapid.IntRange(int(minOff/time.Minute), 72*60).Draw(t, "minutes away")
			off := time.Duration(minutes) * time.Minute
			dir := "in the past"
			if rapid.Bool().Draw(t, "future") {
				dir = "in the future"
			} else {
				off = -off
			}
			req.Timestamp = Timestamp{Offset: off}
			defect = fmt.Sprintf("x-timestamp is %s %s (vcheck assumes at most %s is allowed; the docs give no number)", off.Abs(), dir, skew)
		}
		return Case{
			Family:  "40101/" + variant,
			Defect:  defect + "; the signature covers it",
			Request: req,
			base:    &base,
			Expect:  Expectation{HTTPStatus: 401, Codes: []int{40101}},
		}
	})
	return Family{Name: "40101", Doc: "x-timestamp absent, empty, not ISO-8601, or outside the skew window (signed as sent)",
		Codes: []int{40101}, Gen: gen}
}

func (g *gens) family40102() Family {
	variants := []string{"other-body", "other-path", "other-method", "other-timestamp", "other-content-type", "flipped-bit", "wrong-secret"}
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom(variants).Draw(t, "variant")
		req := g.authBase(t)
		base := req
		var defect string
		o := SignOverride{}
		switch variant {
		case "other-body":
			// callout, where every base request says sms: never the body sent
			other := startBody(g.mobile.Draw(t, "other number"), "callout", "").encode()
			o.Body, o.OverrideBody = other, true
			defect = fmt.Sprintf("the signature covers the body %s, not the one sent", other)
		case "other-path":
			o.Path = req.Path + "/" + rapid.StringMatching(`[a-z]{1,8}`).Draw(t, "path suffix")
			defect = fmt.Sprintf("the signature covers the path %s, not %s", o.Path, req.Path)
		case "other-method":
			var others []string
			for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
				if m != req.Method {
					others = append(others, m)
				}
			}
			o.Method = rapid.SampledFrom(others).Draw(t, "signed method")
			defect = fmt.Sprintf("the signature covers the method %s, not %s", o.Method, req.Method)
		case "other-timestamp":
			secs := rapid.IntRange(1, 600).Draw(t, "seconds")
			if rapid.Bool().Draw(t, "earlier") {
				secs = -secs
			}
			o.TimestampShift = time.Duration(secs) * time.Second
			defect = fmt.Sprintf("the signature covers x-timestamp %+ds from the one sent", secs)
		case "other-content-type":
			var others []string
			for _, ct := range []string{"text/plain", "application/json; charset=UTF-8", "application/xml", contentJSON} {
				if ct != req.Header.Get("Content-Type") {
					others = append(others, ct)
				}
			}
			o.ContentType = rapid.SampledFrom(others).Draw(t, "signed content type")
			defect = fmt.Sprintf("the signature covers Content-Type %q, not %q", o.ContentType, req.Header.Get("Content-Type"))
		case "flipped-bit":
			o.FlipBit = rapid.IntRange(1, 256).Draw(t, "bit")
			defect = fmt.Sprintf("bit %d of the signature is flipped", o.FlipBit-1)
		default: // wrong-secret
			req.Auth.Secret = genSecret().Draw(t, "wrong secret")
			defect = "the signature is made with another secret"
		}
		req.Auth.Sign = o
		return Case{
			Family:  "40102/" + variant,
			Defect:  defect,
			Request: req,
			base:    &base,
			Expect:  Expectation{HTTPStatus: 401, Codes: []int{40102}},
		}
	})
	return Family{Name: "40102", Doc: "signatures over another body, path, method, timestamp or content type; a flipped bit; a wrong secret",
		Codes: []int{40102}, Gen: gen}
}

func (g *gens) family40104() Family {
	gen := rapid.Custom(func(t *rapid.T) Case {
		req := g.authBase(t)
		base := req
		req.Auth = Auth{Scheme: AuthNone}
		return Case{
			Family:  "40104/no-authorization",
			Defect:  "no Authorization header (x-timestamp is sent)",
			Request: req,
			base:    &base,
			Expect:  Expectation{HTTPStatus: 401, Codes: []int{40104}},
		}
	})
	return Family{Name: "40104", Doc: "no Authorization header at all", Codes: []int{40104}, Gen: gen}
}

func (g *gens) family40107() Family {
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom([]string{"unknown-key", "basic-wrong-secret", "basic-unknown-key"}).Draw(t, "variant")
		req := g.authBase(t)
		base := req
		var defect string
		switch variant {
		case "unknown-key":
			req.Auth = Auth{Scheme: AuthSigned, Key: genUUID().Draw(t, "unknown key")}
			defect = fmt.Sprintf("the application key %q is unknown (signed with the real secret)", req.Auth.Key)
		case "basic-wrong-secret":
			req.Auth = Auth{Scheme: AuthBasic, Secret: genSecret().Draw(t, "wrong secret")}
			defect = "Basic credentials with the right key and a wrong secret"
		default:
			req.Auth = Auth{Scheme: AuthBasic, Key: genUUID().Draw(t, "unknown key")}
			defect = fmt.Sprintf("Basic credentials with the unknown key %q", req.Auth.Key)
		}
		return Case{
			Family:  "40107/" + variant,
			Defect:  defect,
			Request: req,
			base:    &base,
			Expect:  Expectation{HTTPStatus: 401, Codes: []int{40107}},
		}
	})
	return Family{Name: "40107", Doc: "an unknown application key; Basic credentials with a wrong key or secret",
		Codes: []int{40107}, Gen: gen}
}
