package conformance

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/contracts"
)

// gens holds the options and the shared generators of one Families call.
type gens struct {
	o      Options
	cat    *contracts.Catalog
	mobile *rapid.Generator[string] // malformed-number bases
	live   *rapid.Generator[string] // numbers a conforming target starts
	drama  *rapid.Generator[string] // drama numbers, never the test number
	auth   Auth                     // the authentication of non-auth families
}

func newGens(o Options) *gens {
	cat := o.catalog()
	auth := Auth{Scheme: AuthSigned}
	if o.Basic {
		auth = Auth{Scheme: AuthBasic}
	}
	drama := genDramaNumber(cat)
	live := drama
	if o.TestNumber != "" {
		live = rapid.Just(o.TestNumber)
	}
	return &gens{o: o, cat: cat, mobile: genMobileNumber(cat), live: live, drama: drama, auth: auth}
}

// codeMethods are the verification methods whose report carries a code.
var codeMethods = []string{"sms", "callout"}

// startMethods are the methods a control start uses; seamless is left out
// because it may answer with a redirect.
var startMethods = []string{"sms", "flashcall", "callout"}

// reportCodeAlphabet is the documented alphabet of a report code (40001's
// message: "Maximum 10 characters. Valid characters: A-Z, a-z, 0-9, '-'").
const reportCodeAlphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"

// maxReportCode is the documented maximum length of a report code.
const maxReportCode = 10

func genReportCode(minLen, maxLen int) *rapid.Generator[string] {
	return rapid.StringOfN(rapid.RuneFrom([]rune(reportCodeAlphabet)), minLen, maxLen, -1)
}

// badCodeChars are ASCII characters outside the documented alphabet.
var badCodeChars = []rune("_ .+/!@#$%&*=:;,?~'\"")

// lookAlike is a character that looks like one of the alphabet.
type lookAlike struct {
	r    rune
	name string
	like rune
}

var lookAlikes = []lookAlike{
	{'\u0430', "CYRILLIC SMALL LETTER A", 'a'},
	{'\u043E', "CYRILLIC SMALL LETTER O", 'o'},
	{'\u0435', "CYRILLIC SMALL LETTER IE", 'e'},
	{'\u041E', "CYRILLIC CAPITAL LETTER O", 'O'},
	{'\u0456', "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I", 'i'},
	{'\u03BF', "GREEK SMALL LETTER OMICRON", 'o'},
	{'\uFF11', "FULLWIDTH DIGIT ONE", '1'},
	{'\uFF10', "FULLWIDTH DIGIT ZERO", '0'},
	{'\u2010', "HYPHEN", '-'},
	{'\u2013', "EN DASH", '-'},
	{'\u2212', "MINUS SIGN", '-'},
	{'\u0660', "ARABIC-INDIC DIGIT ZERO", '0'},
}

// startStep is a setup step that starts a verification and captures its id.
func (g *gens) startStep(number, method, reference string) Step {
	return Step{
		Request: post(pathStart, startBody(number, method, reference), g.auth),
		Capture: map[string]string{"id": "id"},
	}
}

// reportPath draws where a report goes: by id (after a start) or by number.
func (g *gens) reportPath(t *rapid.T, number string) string {
	if rapid.Bool().Draw(t, "report by number") {
		return pathByNumber + number
	}
	return pathByID + "{id}"
}

func (g *gens) family40001() Family {
	variants := []string{"too-long", "bad-char", "look-alike", "empty"}
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom(variants).Draw(t, "variant")
		method := rapid.SampledFrom(codeMethods).Draw(t, "method")
		number := g.live.Draw(t, "number")
		c := Case{Expect: Expectation{HTTPStatus: 400, Codes: []int{40001}}}
		var code string
		switch variant {
		case "too-long":
			code = genReportCode(maxReportCode+1, 4*maxReportCode).Draw(t, "code")
			c.Defect = fmt.Sprintf("report code %q has %d characters, more than %d", code, utf8.RuneCountInString(code), maxReportCode)
		case "bad-char":
			prefix := genReportCode(0, maxReportCode-1).Draw(t, "prefix")
			bad := rapid.SampledFrom(badCodeChars).Draw(t, "bad char")
			suffix := genReportCode(0, maxReportCode-1-utf8.RuneCountInString(prefix)).Draw(t, "suffix")
			code = prefix + string(bad) + suffix
			c.Defect = fmt.Sprintf("report code %q contains %q, outside A-Z a-z 0-9 '-'", code, bad)
		case "look-alike":
			prefix := genReportCode(0, maxReportCode-1).Draw(t, "prefix")
			la := rapid.SampledFrom(lookAlikes).Draw(t, "look-alike")
			suffix := genReportCode(0, maxReportCode-1-utf8.RuneCountInString(prefix)).Draw(t, "suffix")
			code = prefix + string(la.r) + suffix
			c.Defect = fmt.Sprintf("report code %q contains U+%04X %s, a look-alike of %q", code, la.r, la.name, la.like)
		default: // empty
			code = ""
			c.Defect = "report code is the empty string"
			c.Expect.Codes = []int{40001, 40002}
			c.Expect.Note = "the docs allow either: an empty code is both an invalid format (40001) and a missing parameter (40002)"
		}
		baseCode := genReportCode(1, maxReportCode).Draw(t, "base code")
		path := g.reportPath(t, number)
		base := put(path, reportBody(method, baseCode), g.auth)
		c.Family = "40001/" + variant
		c.Setup = []Step{g.startStep(number, method, "")}
		c.Request = put(path, reportBody(method, code), g.auth)
		c.base = &base
		return c
	})
	return Family{Name: "40001", Doc: "report codes longer than 10 characters, outside A-Z a-z 0-9 '-', look-alikes, empty",
		Codes: []int{40001}, Gen: gen, Stateful: true, SideEffects: true}
}

// missingVariants are how a required parameter goes missing.
var missingVariants = []string{"missing", "null", "empty"}

func describeMissing(name, how string) string {
	switch how {
	case "missing":
		return fmt.Sprintf("the required parameter %q is missing", name)
	case "null":
		return fmt.Sprintf("the required parameter %q is null", name)
	}
	return fmt.Sprintf("the required parameter %q is the empty string", name)
}

// mutateMissing makes the member at path missing, null or empty.
func mutateMissing(o obj, path []string, how string) obj {
	switch how {
	case "missing":
		return o.without(path)
	case "null":
		return o.with(path, null{})
	}
	return o.with(path, "")
}

func (g *gens) family40002() Family {
	params := []string{"identity", "identity.endpoint", "identity.type", "method"}
	gen := rapid.Custom(func(t *rapid.T) Case {
		param := rapid.SampledFrom(params).Draw(t, "parameter")
		hows := missingVariants
		if param == "identity" {
			hows = []string{"missing", "null"} // an empty object would miss two parameters
		}
		how := rapid.SampledFrom(hows).Draw(t, "how")
		method := rapid.SampledFrom(startMethods).Draw(t, "method")
		number := g.mobile.Draw(t, "number")
		base := post(pathStart, startBody(number, method, ""), g.auth)
		body := mutateMissing(startBody(number, method, ""), strings.Split(param, "."), how)
		return Case{
			Family:  "40002/" + param + "-" + how,
			Defect:  "start: " + describeMissing(param, how),
			Request: post(pathStart, body, g.auth),
			Expect:  Expectation{HTTPStatus: 400, Codes: []int{40002}},
			base:    &base,
		}
	})
	return Family{Name: "40002", Doc: "start requests with identity, identity.endpoint, identity.type or method missing, null or empty",
		Codes: []int{40002}, Gen: gen}
}

func (g *gens) family40002Report() Family {
	params := []string{"code", "method-object", "method"}
	gen := rapid.Custom(func(t *rapid.T) Case {
		param := rapid.SampledFrom(params).Draw(t, "parameter")
		method := rapid.SampledFrom(codeMethods).Draw(t, "method")
		number := g.live.Draw(t, "number")
		code := genReportCode(1, maxReportCode).Draw(t, "code")
		var path []string
		var name string
		hows := []string{"missing", "null"}
		switch param {
		case "code":
			path, name = []string{method, "code"}, method+".code"
		case "method-object":
			path, name = []string{method}, method
		default:
			path, name = []string{"method"}, "method"
			hows = missingVariants
		}
		how := rapid.SampledFrom(hows).Draw(t, "how")
		body := mutateMissing(reportBody(method, code), path, how)
		reportPath := g.reportPath(t, number)
		base := put(reportPath, reportBody(method, code), g.auth)
		return Case{
			Family:  "40002/report-" + param + "-" + how,
			Defect:  "report: " + describeMissing(name, how),
			Setup:   []Step{g.startStep(number, method, "")},
			Request: put(reportPath, body, g.auth),
			Expect:  Expectation{HTTPStatus: 400, Codes: []int{40002}},
			base:    &base,
		}
	})
	return Family{Name: "40002-report", Doc: "reports whose code, method object or method is missing or null (after a start)",
		Codes: []int{40002}, Gen: gen, Stateful: true, SideEffects: true}
}

// impossibleCountryCodes are E.164 prefixes no country has: 0 is not a
// country code, 28x and 292-296 are spare in ITU-T E.164.
var impossibleCountryCodes = []string{"0", "280", "281", "282", "283", "284", "285", "286", "287", "288", "289", "292", "293", "294", "295", "296"}

func (g *gens) family40003() Family {
	variants := []string{"too-short", "too-long", "letter", "space", "dash", "country-code"}
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom(variants).Draw(t, "variant")
		number := g.mobile.Draw(t, "number")
		digits := number[1:] // 12 digits, country code 44
		var bad, defect string
		switch variant {
		case "too-short":
			n := rapid.IntRange(1, 6).Draw(t, "digits")
			bad = "+" + digits[:n]
			defect = fmt.Sprintf("endpoint %q is too short (%d digits)", bad, n)
		case "too-long":
			extra := rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 4, 8, -1).Draw(t, "extra digits")
			bad = number + extra
			defect = fmt.Sprintf("endpoint %q is too long (%d digits; E.164 allows 15)", bad, len(bad)-1)
		case "letter":
			// Only among the last three digits, the ones the drama range
			// leaves free: a target that read the letter as a digit (a
			// vanity number) still reaches no one.
			pos := rapid.IntRange(len(digits)-3, len(digits)-1).Draw(t, "position")
			letter := rapid.RuneFrom([]rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")).Draw(t, "letter")
			bad = "+" + digits[:pos] + string(letter) + digits[pos+1:]
			defect = fmt.Sprintf("endpoint %q contains the letter %q", bad, letter)
		case "space", "dash":
			sep := " "
			if variant == "dash" {
				sep = "-"
			}
			pos := rapid.IntRange(2, len(digits)-1).Draw(t, "position")
			bad = "+" + digits[:pos] + sep + digits[pos:]
			defect = fmt.Sprintf("endpoint %q contains %q between its digits", bad, sep)
		default: // country-code
			cc := rapid.SampledFrom(impossibleCountryCodes).Draw(t, "country code")
			bad = "+" + cc + digits[2:]
			defect = fmt.Sprintf("endpoint %q has the country code %s, which no country has", bad, cc)
		}
		method := rapid.SampledFrom(startMethods).Draw(t, "method")
		base := post(pathStart, startBody(number, method, ""), g.auth)
		return Case{
			Family:  "40003/" + variant,
			Defect:  defect,
			Request: post(pathStart, startBody(bad, method, ""), g.auth),
			Expect:  Expectation{HTTPStatus: 400, Codes: []int{40003}},
			base:    &base,
		}
	})
	return Family{Name: "40003", Doc: "start requests with numbers too short or too long, with letters, spaces or dashes, or an impossible country code",
		Codes: []int{40003}, Gen: gen}
}

func (g *gens) family40005() Family {
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom([]string{"no-plus", "00-prefix"}).Draw(t, "variant")
		number := g.mobile.Draw(t, "number")
		method := rapid.SampledFrom(startMethods).Draw(t, "method")
		bad := number[1:]
		defect := fmt.Sprintf("endpoint %q lacks the leading plus", bad)
		if variant == "00-prefix" {
			bad = "00" + number[1:]
			defect = fmt.Sprintf("endpoint %q has the prefix 00 instead of the leading plus", bad)
		}
		base := post(pathStart, startBody(number, method, ""), g.auth)
		return Case{
			Family:  "40005/" + variant,
			Defect:  defect,
			Request: post(pathStart, startBody(bad, method, ""), g.auth),
			Expect:  Expectation{HTTPStatus: 400, Codes: []int{40005}},
			base:    &base,
		}
	})
	return Family{Name: "40005", Doc: "start requests with E.164 digits but no '+', or '00' instead of '+'",
		Codes: []int{40005}, Gen: gen}
}
