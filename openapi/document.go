package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// ProblemSchema is the kind of a contracts.Problem found by validating an
// error body against the document's Error schema; Detail names the failed
// keyword.
const ProblemSchema contracts.ProblemKind = "schema"

// errorSchemaName is the component every error response's body must match.
const errorSchemaName = "Error"

// operation is one operation of the OpenAPI document and the errors the
// document lists for it, sorted by path, then method.
type operation struct {
	// Method is the HTTP method in upper case, e.g. "GET".
	Method string
	// Path is the path template, e.g. "/verification/v1/verifications/id/{id}".
	Path string
	// OperationID is the document's operationId, e.g. "VerificationStatusById".
	OperationID string
	// ErrorStatuses are the documented 4xx and 5xx statuses, ascending.
	ErrorStatuses []int
	// ErrorExamples maps an HTTP status to the catalog codes named by the
	// examples (e40005 names 40005) of its application/json content, ascending.
	ErrorExamples map[int][]int
}

// Document is a loaded and checked OpenAPI document of the Verification API.
// It is immutable after loading and safe for concurrent use.
type Document struct {
	version   float32
	errSchema *base.Schema
	validator schema_validation.SchemaValidator
	ops       []operation
	// examples holds the example bodies as JSON, by operation index, HTTP
	// status and catalog code.
	examples []map[int]map[int][]byte
}

var (
	defaultOnce     sync.Once
	defaultDocument *Document
)

// Default returns the OpenAPI document embedded in vcheck, loaded once.
// It panics only if the embedded document is invalid, which
// TestDefault rules out.
func Default() *Document {
	defaultOnce.Do(func() {
		o, err := Load(fixtures.OpenAPI())
		if err != nil {
			panic("openapi: embedded document: " + err.Error())
		}
		defaultDocument = o
	})
	return defaultDocument
}

// Load parses, builds and checks an OpenAPI 3 document: it must be
// valid against the OpenAPI schema of its version, have a
// components/schemas/Error schema that compiles, and name the examples of its
// error responses eCODE. A malformed document gives an error that says what
// is wrong, never a panic. External references are not followed.
func Load(data []byte) (o *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			o, err = nil, fmt.Errorf("openapi document: libopenapi panicked: %v", r)
		}
	}()
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("openapi document: empty")
	}
	quiet := slog.New(slog.DiscardHandler)
	cfg := datamodel.NewDocumentConfiguration()
	cfg.Logger = quiet // library code never prints
	doc, err := libopenapi.NewDocumentWithConfiguration(data, cfg)
	if err != nil {
		return nil, fmt.Errorf("openapi document: not a readable OpenAPI 3 document: %w", err)
	}
	info := doc.GetSpecInfo()
	switch info.SpecFormat {
	case datamodel.OAS3, datamodel.OAS31:
	case datamodel.OAS2:
		return nil, fmt.Errorf("openapi document: swagger %s document; vcheck reads OpenAPI 3.0 and 3.1", info.Version)
	default:
		return nil, fmt.Errorf("openapi document: unsupported version %q (format %q); vcheck reads OpenAPI 3.0 and 3.1", info.Version, info.SpecFormat)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapi document: building the model: %s", oneLine(err.Error()))
	}
	if ok, verrs := schema_validation.ValidateOpenAPIDocument(doc, config.WithLogger(quiet)); !ok {
		return nil, fmt.Errorf("openapi document: not valid OpenAPI %s: %s", info.Version, describeValidationErrors(verrs, 5))
	}

	o = &Document{
		version:   info.VersionNumeric,
		validator: schema_validation.NewSchemaValidatorWithLogger(quiet, config.WithLogger(quiet)),
	}
	if o.errSchema, err = errorSchema(&model.Model); err != nil {
		return nil, err
	}
	// Compile the schema now, so that a schema that cannot compile fails the
	// load and the first body validated does not pay for it. Whether the
	// warm-up body passes does not matter; a failure without schema details
	// is a compilation failure.
	warm := map[string]any{"errorCode": json.Number("50000"), "message": "warm-up"}
	_, verrs := o.validator.ValidateSchemaObjectWithVersion(o.errSchema, warm, o.version)
	if slices.ContainsFunc(verrs, func(ve *liberrors.ValidationError) bool { return ve != nil && len(ve.SchemaValidationErrors) == 0 }) {
		return nil, fmt.Errorf("openapi document: components/schemas/%s: %s", errorSchemaName, describeValidationErrors(verrs, 5))
	}
	if err := o.readOperations(&model.Model); err != nil {
		return nil, err
	}
	return o, nil
}

func errorSchema(doc *v3.Document) (*base.Schema, error) {
	var proxy *base.SchemaProxy
	if doc.Components != nil && doc.Components.Schemas != nil {
		proxy, _ = doc.Components.Schemas.Get(errorSchemaName)
	}
	if proxy == nil {
		return nil, fmt.Errorf("openapi document: no components/schemas/%s (the schema every error body must match)", errorSchemaName)
	}
	s := proxy.Schema()
	if s == nil {
		err := proxy.GetBuildError()
		if err == nil {
			err = errors.New("no schema")
		}
		return nil, fmt.Errorf("openapi document: components/schemas/%s: %w", errorSchemaName, err)
	}
	return s, nil
}

// exampleName is how the document names an error example: e + catalog code.
var exampleName = regexp.MustCompile(`^e([0-9]{5})$`)

func (o *Document) readOperations(doc *v3.Document) error {
	if doc.Paths == nil {
		return nil
	}
	type entry struct {
		op       operation
		examples map[int]map[int][]byte
	}
	var entries []entry
	for path, item := range doc.Paths.PathItems.FromOldest() {
		if item == nil {
			continue
		}
		for method, op := range item.GetOperations().FromOldest() {
			if op == nil {
				continue
			}
			e := entry{
				op:       operation{Method: strings.ToUpper(method), Path: path, OperationID: op.OperationId, ErrorExamples: map[int][]int{}},
				examples: map[int]map[int][]byte{},
			}
			var codes *orderedmap.Map[string, *v3.Response]
			if op.Responses != nil {
				codes = op.Responses.Codes
			}
			for key, resp := range codes.FromOldest() {
				status, err := strconv.Atoi(key)
				if err != nil || status < 400 || status > 599 || resp == nil {
					continue // success, 3XX ranges, default
				}
				where := fmt.Sprintf("paths.%s.%s.responses.%s", path, method, key)
				e.op.ErrorStatuses = append(e.op.ErrorStatuses, status)
				bodies, err := errorExamples(resp, where)
				if err != nil {
					return err
				}
				if len(bodies) > 0 {
					e.examples[status] = bodies
					e.op.ErrorExamples[status] = slices.Sorted(maps.Keys(bodies))
				}
			}
			slices.Sort(e.op.ErrorStatuses)
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := strings.Compare(a.op.Path, b.op.Path); c != 0 {
			return c
		}
		return strings.Compare(a.op.Method, b.op.Method)
	})
	for _, e := range entries {
		o.ops = append(o.ops, e.op)
		o.examples = append(o.examples, e.examples)
	}
	return nil
}

// errorExamples returns the JSON bodies of a response's application/json
// examples by catalog code.
func errorExamples(resp *v3.Response, where string) (map[int][]byte, error) {
	if resp.Content == nil {
		return nil, nil
	}
	mt, ok := resp.Content.Get("application/json")
	if !ok || mt == nil || mt.Examples == nil {
		return nil, nil
	}
	bodies := map[int][]byte{}
	for name, ex := range mt.Examples.FromOldest() {
		m := exampleName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("openapi document: %s: example %q: error examples are named e and the catalog code, e.g. e40001", where, name)
		}
		code, _ := strconv.Atoi(m[1])
		if ex == nil || ex.Value == nil {
			return nil, fmt.Errorf("openapi document: %s: example %q has no value", where, name)
		}
		var v any
		if err := ex.Value.Decode(&v); err != nil {
			return nil, fmt.Errorf("openapi document: %s: example %q: %w", where, name, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("openapi document: %s: example %q is not JSON: %w", where, name, err)
		}
		bodies[code] = b
	}
	return bodies, nil
}

// ValidateErrorBody validates an error body against the document's Error
// schema and returns what failed, nil when the body is valid. Each schema
// failure is a ProblemSchema naming the field and the JSON Schema keyword
// (e.g. field "errorCode", detail "type: got string, want integer"); a body
// that is empty or not JSON gives contracts.ProblemEmptyBody or
// contracts.ProblemNotJSON. Only the first contracts.MaxErrorBodySize bytes
// are looked at; a longer body also gives a contracts.ProblemTruncated. It
// never panics and is safe for concurrent use.
func (o *Document) ValidateErrorBody(body []byte) (problems []contracts.Problem) {
	if len(body) > contracts.MaxErrorBodySize {
		body = body[:contracts.MaxErrorBodySize]
		problems = append(problems, contracts.Problem{Kind: contracts.ProblemTruncated, Detail: fmt.Sprintf("body longer than %d bytes; only the first %d were validated", contracts.MaxErrorBodySize, contracts.MaxErrorBodySize)})
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return append(problems, contracts.Problem{Kind: contracts.ProblemEmptyBody, Detail: "the body is empty"})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep numbers exact: 1e400 is an integer, not an overflow
	var v any
	if err := dec.Decode(&v); err != nil {
		return append(problems, contracts.Problem{Kind: contracts.ProblemNotJSON, Detail: "not JSON: " + strings.TrimPrefix(err.Error(), "json: ")})
	}
	if _, err := dec.Token(); err != io.EOF {
		return append(problems, contracts.Problem{Kind: contracts.ProblemNotJSON, Detail: "not JSON: trailing data after the JSON value"})
	}
	if v == nil {
		// The validator skips a nil document instead of failing it.
		return append(problems, contracts.Problem{Kind: ProblemSchema, Detail: "type: got null, want object"})
	}
	defer func() {
		if r := recover(); r != nil {
			problems = append(problems, contracts.Problem{Kind: ProblemSchema, Detail: fmt.Sprintf("the schema validator panicked: %v", r)})
		}
	}()
	ok, verrs := o.validator.ValidateSchemaObjectWithVersion(o.errSchema, v, o.version)
	if ok {
		return problems
	}
	var found []contracts.Problem
	for _, ve := range verrs {
		if ve == nil {
			continue
		}
		if len(ve.SchemaValidationErrors) == 0 {
			found = append(found, contracts.Problem{Kind: ProblemSchema, Detail: ve.Reason})
			continue
		}
		for _, f := range ve.SchemaValidationErrors {
			found = append(found, schemaProblems(f.KeywordLocation, f.InstancePath, f.Reason)...)
		}
	}
	slices.SortFunc(found, func(a, b contracts.Problem) int {
		if c := strings.Compare(a.Field, b.Field); c != 0 {
			return c
		}
		return strings.Compare(a.Detail, b.Detail)
	})
	return append(problems, slices.Compact(found)...)
}

// quoted finds the property names in a "missing properties 'a', 'b'" reason.
var quoted = regexp.MustCompile(`'([^']*)'`)

// schemaProblems turns one schema failure into Problems: the field is the
// instance path joined by dots, the detail starts with the failed keyword.
// A "required" failure has no instance below the object, so it gives one
// Problem per missing property, named from the reason.
func schemaProblems(keywordLocation string, instancePath []string, reason string) []contracts.Problem {
	keyword := keywordLocation[strings.LastIndex(keywordLocation, "/")+1:]
	field := strings.Join(instancePath, ".")
	detail := reason
	if keyword != "" && !strings.HasPrefix(reason, keyword+":") {
		detail = keyword + ": " + reason
	}
	if keyword == "required" {
		var ps []contracts.Problem
		for _, m := range quoted.FindAllStringSubmatch(reason, -1) {
			name := m[1]
			if field != "" {
				name = field + "." + name
			}
			ps = append(ps, contracts.Problem{Kind: ProblemSchema, Field: name, Detail: "required: missing"})
		}
		if len(ps) > 0 {
			return ps
		}
	}
	return []contracts.Problem{{Kind: ProblemSchema, Field: field, Detail: detail}}
}

// describeValidationErrors joins the first max failures of a libopenapi
// validation into one line: "at $.info: missing property 'version'; ...".
func describeValidationErrors(verrs []*liberrors.ValidationError, max int) string {
	var parts []string
	total := 0
	for _, ve := range verrs {
		if ve == nil {
			continue
		}
		if len(ve.SchemaValidationErrors) == 0 {
			total++
			parts = append(parts, oneLine(ve.Reason))
			continue
		}
		for _, f := range ve.SchemaValidationErrors {
			total++
			where := f.FieldPath
			if where == "" {
				where = "$"
			}
			parts = append(parts, fmt.Sprintf("at %s: %s", where, oneLine(f.Reason)))
		}
	}
	if len(parts) == 0 {
		return "validation failed without details"
	}
	slices.Sort(parts)
	if len(parts) > max {
		parts = append(parts[:max], fmt.Sprintf("and %d more", total-max))
	}
	return strings.Join(parts, "; ")
}

// oneLine joins the lines of a multi-line library message with "; ".
func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return l == "" }), "; ")
}

// exampleBody returns the JSON of the example named for code under status in
// the operation method path (a template), for the tests.
func (o *Document) exampleBody(method, path string, status, code int) ([]byte, bool) {
	for i, op := range o.ops {
		if op.Method == method && op.Path == path {
			b, ok := o.examples[i][status][code]
			return b, ok
		}
	}
	return nil, false
}
