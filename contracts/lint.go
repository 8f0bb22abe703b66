package contracts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// LintState is what the lint found for one erratum.
type LintState string

// Lint states of an erratum.
const (
	// LintConfirmed: the lint recomputed the erratum from the catalog's data.
	LintConfirmed LintState = "confirmed"
	// LintDeclared: the erratum comes from other pages; the catalog's data
	// cannot show it, so it is reported as declared.
	LintDeclared LintState = "declared"
	// LintResolved: the erratum's check no longer finds it in this catalog
	// (the docs were fixed, or a newer catalog is in use).
	LintResolved LintState = "resolved"
)

// ErratumReport is the lint's finding for one erratum.
type ErratumReport struct {
	Erratum Erratum `json:"erratum"`
	// State is LintConfirmed, LintDeclared or LintResolved.
	State LintState `json:"state"`
	// Evidence lists what the lint computed, one line per fact.
	Evidence []string `json:"evidence,omitempty"`
}

// LintReport is the documentation self-consistency report.
type LintReport struct {
	Errata []ErratumReport `json:"errata"`
	// Undeclared lists contradictions found in the data that no erratum
	// covers: a newer catalog brought a new one, or an erratum was removed.
	Undeclared []string `json:"undeclared,omitempty"`
}

// discrepancy is one contradiction the lint computes from the data.
type discrepancy struct {
	check ErratumCheck
	code  int // 0 for document-wide ones
	text  string
}

// Lint recomputes every contradiction it can find in the catalog's own data
// (example bodies against their headings and sections, the field table
// against the examples, the signing examples against the algorithm) and
// reports each erratum as confirmed, declared or resolved, plus any
// contradiction no erratum declares.
func Lint(c *Catalog) LintReport {
	found := c.discrepancies()
	covered := make([]bool, len(found))
	var r LintReport
	for _, e := range c.data.Errata {
		rep := ErratumReport{Erratum: e.clone()}
		if e.Check == CheckDeclared {
			rep.State = LintDeclared
			r.Errata = append(r.Errata, rep)
			continue
		}
		for i, d := range found {
			if d.check != e.Check {
				continue
			}
			if d.check == CheckSigningExample && !strings.HasPrefix(d.text, e.Example+":") {
				continue
			}
			if d.code != 0 && !slices.Contains(e.Codes, d.code) {
				continue
			}
			covered[i] = true
			rep.Evidence = append(rep.Evidence, d.text)
		}
		rep.State = LintResolved
		if len(rep.Evidence) > 0 {
			rep.State = LintConfirmed
		}
		r.Errata = append(r.Errata, rep)
	}
	for i, d := range found {
		if !covered[i] {
			r.Undeclared = append(r.Undeclared, d.text)
		}
	}
	return r
}

func (c *Catalog) discrepancies() []discrepancy {
	var out []discrepancy
	codeType := c.data.Fields["errorCode"]
	numeric := 0
	for _, s := range c.data.Errors {
		var ex struct {
			Status    *string         `json:"status"`
			ErrorCode json.RawMessage `json:"errorCode"`
		}
		_ = json.Unmarshal(s.Example, &ex) // validated as an object at load
		if n, err := strconv.Atoi(string(ex.ErrorCode)); err == nil {
			numeric++
			if n != s.Code {
				out = append(out, discrepancy{CheckExampleCode, s.Code, fmt.Sprintf("%d: the example body sends \"errorCode\": %d", s.Code, n)})
			}
		}
		if ex.Status != nil {
			if n, _, err := ParseStatus(*ex.Status); err == nil && n != s.HTTPStatus {
				out = append(out, discrepancy{CheckExampleStatus, s.Code, fmt.Sprintf("%d: the example body sends \"status\": %q, the code is HTTP %d", s.Code, *ex.Status, s.HTTPStatus)})
			}
		}
		num, _, _ := strings.Cut(s.Section, " ")
		if n, err := strconv.Atoi(num); err == nil && n != s.HTTPStatus {
			out = append(out, discrepancy{CheckSectionStatus, s.Code, fmt.Sprintf("%d: published under the section %q, the code is HTTP %d", s.Code, s.Section, s.HTTPStatus)})
		}
	}
	if codeType == "string" && numeric > 0 {
		out = append(out, discrepancy{CheckFieldType, 0, fmt.Sprintf("the field table says errorCode is a string; %d of %d examples send a JSON number", numeric, len(c.data.Errors))})
	}
	for _, ex := range c.data.SigningExamples {
		md5 := ContentMD5([]byte(ex.Body))
		sig, err := Signature(ex.Secret, StringToSign(ex.Method, md5, ex.ContentType, ex.Timestamp, ex.Path))
		if err != nil {
			out = append(out, discrepancy{CheckSigningExample, 0, fmt.Sprintf("%s: the secret does not decode: %v", ex.Name, err)})
			continue
		}
		var diffs []string
		if ex.ContentMD5 != md5 {
			diffs = append(diffs, fmt.Sprintf("printed Content-MD5 %s, computed %s", ex.ContentMD5, md5))
		}
		if ex.Signature != sig {
			diffs = append(diffs, fmt.Sprintf("printed signature %s, computed %s", ex.Signature, sig))
		}
		if len(diffs) > 0 {
			out = append(out, discrepancy{CheckSigningExample, 0, fmt.Sprintf("%s: %s %s: %s", ex.Name, ex.Method, ex.Path, strings.Join(diffs, "; "))})
		}
	}
	return out
}
