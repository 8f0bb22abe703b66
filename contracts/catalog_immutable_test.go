package contracts_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// scribble overwrites everything reachable from v that a caller could
// change: every settable number, string and byte, every slice element, every
// map value (and it adds a key), through pointers. Unexported fields (a
// Secret's value) are out of a caller's reach and left alone.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		scribble(k)
		v.SetMapIndex(k, e)
	case reflect.String:
		if v.CanSet() {
			v.SetString("scribbled")
		}
	case reflect.Int, reflect.Int64:
		if v.CanSet() {
			v.SetInt(-7)
		}
	case reflect.Uint8:
		if v.CanSet() {
			v.SetUint('#')
		}
	case reflect.Bool:
		if v.CanSet() {
			v.SetBool(!v.Bool())
		}
	}
}

// TestCatalogIsImmutable pins the promise of Catalog's doc comment: every
// accessor that returns a slice, a map or something holding one returns a
// copy, so a caller that changes what it got changes nothing that a later
// call, or another caller of DefaultCatalog, sees.
func TestCatalogIsImmutable(t *testing.T) {
	t.Parallel()
	pristine := func() *contracts.Catalog {
		c, err := contracts.LoadCatalog(fixtures.Catalog())
		require.NoError(t, err)
		return c
	}
	var magic string // the first magic number of the catalog
	for _, s := range pristine().Errors() {
		if magic == "" {
			magic = s.Magic
		}
	}
	require.NotEmpty(t, magic)
	// An answer that Explain finds (40005), with an erratum (field-type).
	codeAsString := []byte(`{"status":"400 NumberMissingLeadingPlus","errorCode":"40005","message":"x"}`)
	accessors := []struct {
		name string
		get  func(c *contracts.Catalog) any
	}{
		{"Errors", func(c *contracts.Catalog) any { return c.Errors() }},
		{"Errata", func(c *contracts.Catalog) any { return c.Errata() }},
		{"SigningExamples", func(c *contracts.Catalog) any { return c.SigningExamples() }},
		{"Fields", func(c *contracts.Catalog) any { return c.Fields() }},
		{"Codes", func(c *contracts.Catalog) any { return c.Codes() }},
		{"Lookup", func(c *contracts.Catalog) any { s, _ := c.Lookup(40005); return s }},
		{"ByMagic", func(c *contracts.Catalog) any { s, _ := c.ByMagic(magic); return s }},
		{"Erratum", func(c *contracts.Catalog) any { e, _ := c.Erratum(1); return e }},
		{"APIError.Match", func(c *contracts.Catalog) any { s, _ := (&contracts.APIError{Code: 40005}).Match(c); return s }},
		{"Explain", func(c *contracts.Catalog) any { return c.Explain(contracts.ParseErrorBody(codeAsString)) }},
		{"Lint", func(c *contracts.Catalog) any { return contracts.Lint(c) }},
	}
	// Every catalog-wide accessor of each row, as a pristine catalog gives it.
	snapshot := func(c *contracts.Catalog) []any {
		out := make([]any, len(accessors))
		for i, a := range accessors {
			out[i] = a.get(c)
		}
		return out
	}
	want := snapshot(pristine())
	for i, a := range accessors {
		// Each accessor's result must hold something to change, or the row
		// proves nothing.
		require.NotZero(t, want[i], "%s returns something", a.name)
	}

	for i, a := range accessors {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			c := pristine()
			got := a.get(c)
			v := reflect.New(reflect.TypeOf(got))
			v.Elem().Set(reflect.ValueOf(got))
			scribble(v)
			require.NotEqual(t, want[i], v.Elem().Interface(), "scribble changed the value it was given")
			assert.Equal(t, want, snapshot(c), "after changing what %s returned, every accessor of the same catalog", a.name)
		})
	}

	t.Run("DefaultCatalog", func(t *testing.T) {
		// Not parallel with the rows above: they use their own catalogs,
		// this one changes what two calls of DefaultCatalog return.
		for _, a := range accessors {
			got := a.get(contracts.DefaultCatalog())
			v := reflect.New(reflect.TypeOf(got))
			v.Elem().Set(reflect.ValueOf(got))
			scribble(v)
		}
		assert.Equal(t, want, snapshot(contracts.DefaultCatalog()), "a second DefaultCatalog() after a caller changed everything the first one handed out")
	})

	t.Run("MarshalJSON", func(t *testing.T) {
		t.Parallel()
		var file, got map[string]any
		require.NoError(t, json.Unmarshal(fixtures.Catalog(), &file))
		b, err := json.Marshal(pristine())
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &got))
		for _, ex := range file["signing_examples"].([]any) {
			ex.(map[string]any)["secret"] = "REDACTED" // a Secret never prints
		}
		assert.Equal(t, file, got, "a Catalog encodes as its file, as it did when its fields were exported")
	})
}
