package conformance

import (
	"encoding/hex"
	"fmt"

	"pgregory.net/rapid"
)

// neverStartedRange is an Ofcom drama range (0191 498 0000-0999) that no
// generated start uses, so a report to one of its numbers is always a report
// before any start.
const neverStartedRange = "+441914980"

func (g *gens) genNeverStarted() *rapid.Generator[string] {
	suffixes := make([]int, 1000)
	for i := range suffixes {
		suffixes[i] = i
	}
	return rapid.Custom(func(t *rapid.T) string {
		return fmt.Sprintf("%s%03d", neverStartedRange, pick(suffixes).Draw(t, "never-started suffix"))
	})
}

// genReference draws a reference with a prefix that says who made it.
func genReference(prefix string) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		b := rapid.SliceOfN(rapid.Byte(), 6, 6).Draw(t, "reference bytes")
		return prefix + hex.EncodeToString(b)
	})
}

func (g *gens) family40400() Family {
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom([]string{"status-unknown-id", "report-unknown-id", "unknown-reference", "unknown-route"}).Draw(t, "variant")
		c := Case{Family: "40400/" + variant, Expect: Expectation{HTTPStatus: 404, Codes: []int{40400}}}
		switch variant {
		case "status-unknown-id":
			id := genUUID().Draw(t, "unknown id")
			c.Request = get(pathByID+id, g.auth)
			c.Defect = fmt.Sprintf("status of the unknown verification id %q", id)
		case "report-unknown-id":
			id := genUUID().Draw(t, "unknown id")
			c.Request = put(pathByID+id, reportBody("sms", genReportCode(1, maxReportCode).Draw(t, "code")), g.auth)
			c.Defect = fmt.Sprintf("report to the unknown verification id %q", id)
		case "unknown-reference":
			ref := genReference("vcheck-unknown-").Draw(t, "unknown reference")
			c.Request = get(pathByReference+ref, g.auth)
			c.Defect = fmt.Sprintf("status of the unknown reference %q", ref)
		default: // unknown-route
			word := rapid.StringMatching(`[a-z]{3,12}`).Draw(t, "route")
			c.Request = get("/verification/v1/"+word, g.auth)
			c.Defect = fmt.Sprintf("the route /verification/v1/%s does not exist", word)
		}
		base := c.Request
		c.base = &base
		return c
	})
	return Family{Name: "40400", Doc: "unknown verification ids, unknown references, unknown routes under /verification/v1",
		Codes: []int{40400}, Gen: gen}
}

// otherNumber returns a number different from n for a start that a
// conforming target rejects anyway: with a test number configured, a drama
// number (which reaches no one even if the target wrongly accepts it).
func (g *gens) otherNumber(t *rapid.T, n string) string {
	live := g.live
	if g.o.TestNumber != "" {
		live = g.drama
	}
	m := live.Draw(t, "second number")
	if m != n {
		return m
	}
	for range 20 { // a neighbour that is neither n nor a magic value
		last := m[len(m)-1]
		m = m[:len(m)-1] + string('0'+(last-'0'+1)%10)
		if _, magic := g.cat.ByMagic(m); !magic && m != n {
			break
		}
	}
	return m
}

func (g *gens) familyStateful() Family {
	variants := []string{"40900/reference-reused", "42901/same-number", "40400/report-before-start", "control/status-of-finished"}
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom(variants).Draw(t, "variant")
		method := rapid.SampledFrom(codeMethods).Draw(t, "method")
		c := Case{Family: variant}
		switch variant {
		case "40900/reference-reused":
			n1 := g.live.Draw(t, "number")
			n2 := g.otherNumber(t, n1)
			ref := genReference("vcheck-ref-").Draw(t, "reference")
			c.Setup = []Step{g.startStep(n1, method, ref)}
			c.Request = post(pathStart, startBody(n2, method, ref), g.auth)
			c.Defect = fmt.Sprintf("start to %s reuses the reference %q of a start to %s", n2, ref, n1)
			c.Expect = Expectation{HTTPStatus: 409, Codes: []int{40900}}
		case "42901/same-number":
			n := g.live.Draw(t, "number")
			c.Setup = []Step{g.startStep(n, method, "")}
			c.Request = post(pathStart, startBody(n, method, ""), g.auth)
			c.Defect = fmt.Sprintf("a second start to %s right after the first", n)
			c.Expect = Expectation{HTTPStatus: 429, Codes: []int{42901}}
		case "40400/report-before-start":
			n := g.genNeverStarted().Draw(t, "number")
			code := genReportCode(1, maxReportCode).Draw(t, "code")
			c.Request = put(pathByNumber+n, reportBody(method, code), g.auth)
			c.Defect = fmt.Sprintf("report for %s, which no one started", n)
			c.Expect = Expectation{HTTPStatus: 404, Codes: []int{40400}}
		default: // control/status-of-finished
			n := g.live.Draw(t, "number")
			code := genReportCode(1, maxReportCode).Draw(t, "code")
			c.Setup = []Step{
				g.startStep(n, method, ""),
				{Request: put(pathByID+"{id}", reportBody(method, code), g.auth)},
			}
			c.Request = get(pathByID+"{id}", g.auth)
			c.Defect = "none: status of a verification that was reported"
			c.Expect = Expectation{Success: true}
		}
		return c
	})
	return Family{Name: "stateful", Doc: "40900 reference reused, 42901 same number twice, report before start, status after a report",
		Codes: []int{40900, 42901, 40400}, Gen: gen, Stateful: true, SideEffects: true}
}

// magicFamilies has one family per catalog entry with a magic value.
func (g *gens) magicFamilies() []Family {
	var fams []Family
	for _, spec := range g.cat.Errors() {
		if spec.Magic == "" {
			continue
		}
		gen := rapid.Custom(func(t *rapid.T) Case {
			method := rapid.SampledFrom(startMethods).Draw(t, "method")
			return Case{
				Family:  fmt.Sprintf("%d/magic", spec.Code),
				Defect:  fmt.Sprintf("none but the magic number %s, which asks the target for %d %s", spec.Magic, spec.Code, spec.Type),
				Request: post(pathStart, startBody(spec.Magic, method, ""), g.auth),
				Expect:  Expectation{HTTPStatus: spec.HTTPStatus, Codes: []int{spec.Code}},
			}
		})
		fams = append(fams, Family{
			Name: fmt.Sprint(spec.Code), Doc: fmt.Sprintf("a valid start to the magic number %s (%s); only for a target that honours magic values", spec.Magic, spec.Type),
			Codes: []int{spec.Code}, Gen: gen, SideEffects: true,
		})
	}
	return fams
}

func (g *gens) familyControl() Family {
	variants := []string{"start", "report-by-id", "report-by-number", "status-by-id", "status-by-reference", "status-by-identity"}
	gen := rapid.Custom(func(t *rapid.T) Case {
		variant := rapid.SampledFrom(variants).Draw(t, "variant")
		n := g.live.Draw(t, "number")
		c := Case{Family: "control/" + variant, Expect: Expectation{Success: true}}
		switch variant {
		case "start":
			method := rapid.SampledFrom(startMethods).Draw(t, "method")
			c.Request = post(pathStart, startBody(n, method, ""), g.auth)
			c.Defect = fmt.Sprintf("none: a %s start to %s", method, n)
			return c
		case "report-by-id", "report-by-number":
			method := rapid.SampledFrom(codeMethods).Draw(t, "method")
			code := genReportCode(1, maxReportCode).Draw(t, "code")
			c.Setup = []Step{g.startStep(n, method, "")}
			path := pathByID + "{id}"
			if variant == "report-by-number" {
				path = pathByNumber + n
			}
			c.Request = put(path, reportBody(method, code), g.auth)
			c.Defect = fmt.Sprintf("none: a well-formed %s report (code %q) after a start", method, code)
		case "status-by-id":
			c.Setup = []Step{g.startStep(n, "sms", "")}
			c.Request = get(pathByID+"{id}", g.auth)
			c.Defect = "none: status by id after a start"
		case "status-by-reference":
			ref := genReference("vcheck-ref-").Draw(t, "reference")
			c.Setup = []Step{g.startStep(n, "sms", ref)}
			c.Request = get(pathByReference+ref, g.auth)
			c.Defect = fmt.Sprintf("none: status by reference %q after a start", ref)
		default: // status-by-identity
			c.Setup = []Step{g.startStep(n, "sms", "")}
			c.Request = get(pathStart+"/sms/number/"+n, g.auth)
			c.Defect = fmt.Sprintf("none: status by identity sms/%s after a start", n)
		}
		return c
	})
	return Family{Name: "control", Doc: "well-formed signed starts, reports and status requests that must succeed",
		Gen: gen, Stateful: true, SideEffects: true}
}
