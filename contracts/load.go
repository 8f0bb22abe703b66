package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/vcheck/vcheck/fixtures"
)

// CatalogError says which entry and field of a catalog file is wrong.
type CatalogError struct {
	// Entry names the entry, e.g. `errors[3] (code 40005)`; empty for the file.
	Entry string
	// Field is the JSON field, e.g. "http_status".
	Field string
	// Problem says what is wrong with it.
	Problem string
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	b.WriteString("catalog")
	if e.Entry != "" {
		b.WriteString(": " + e.Entry)
	}
	if e.Field != "" {
		b.WriteString(": field " + strconv.Quote(e.Field))
	}
	b.WriteString(": " + e.Problem)
	return b.String()
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// DefaultCatalog returns the catalog embedded in vcheck. It panics only if the
// embedded file is invalid, which TestDefaultCatalog rules out.
func DefaultCatalog() *Catalog {
	defaultOnce.Do(func() {
		c, err := LoadCatalog(fixtures.Catalog())
		if err != nil {
			panic("contracts: embedded catalog: " + err.Error())
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

// maxCatalogSize bounds a catalog file; the embedded one is about 20 KiB.
const maxCatalogSize = 4 << 20

// LoadCatalogFile reads and validates a catalog file.
func LoadCatalogFile(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("catalog file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("catalog file: %w", err)
	}
	if st.Size() > maxCatalogSize {
		return nil, fmt.Errorf("catalog file %s: %d bytes, more than the %d allowed", path, st.Size(), maxCatalogSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog file: %w", err)
	}
	c, err := LoadCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// LoadCatalog parses and validates a catalog. A malformed or inconsistent
// catalog fails with a *CatalogError that names the entry and the field.
func LoadCatalog(data []byte) (*Catalog, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &CatalogError{Problem: "empty file"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c.data); err != nil {
		field, problem := describeJSONError(data, dec.InputOffset(), err)
		return nil, &CatalogError{Field: field, Problem: problem}
	}
	if dec.More() {
		return nil, &CatalogError{Problem: "trailing data after the catalog object"}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// describeJSONError turns a decoding error into the field concerned (a
// dotted path such as "errors.http_status", or "" when unknown) and a
// message with a line number.
func describeJSONError(data []byte, offset int64, err error) (field, problem string) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "", fmt.Sprintf("not valid JSON at line %d: %v", lineOf(data, syn.Offset), syn)
	case errors.As(err, &typ):
		return typ.Field, fmt.Sprintf("line %d: got a JSON %s, want %s", lineOf(data, typ.Offset), typ.Value, typ.Type)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	// DisallowUnknownFields reports `unknown field "NAME"` with no type to
	// match and no offset (the decoder has read the whole value by then):
	// the name is all the error carries, so the line is where it is a key.
	if rest, ok := strings.CutPrefix(msg, "unknown field "); ok {
		if name, err := strconv.Unquote(rest); err == nil {
			if at := keyOffset(data, name); at >= 0 {
				return name, fmt.Sprintf("line %d: unknown field (a typo, or a newer catalog format)", lineOf(data, int64(at)))
			}
			return name, "unknown field (a typo, or a newer catalog format)"
		}
	}
	return "", fmt.Sprintf("line %d: %s", lineOf(data, offset), msg)
}

// keyOffset returns the offset of the first "name" that is followed by a
// colon, or -1.
func keyOffset(data []byte, name string) int {
	key := []byte(strconv.Quote(name))
	for at := 0; ; {
		i := bytes.Index(data[at:], key)
		if i < 0 {
			return -1
		}
		at += i + len(key)
		if rest := bytes.TrimLeft(data[at:], " \t\r\n"); len(rest) > 0 && rest[0] == ':' {
			return at - len(key)
		}
	}
}

func lineOf(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}
