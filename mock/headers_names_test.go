package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vcheck/vcheck/contracts"
)

// TestHeaderNamesAreCanonical: the mock indexes a request's header map by
// these names, which finds a header only when they are spelled as net/http
// stores it.
func TestHeaderNamesAreCanonical(t *testing.T) {
	t.Parallel()
	for _, name := range []string{headerAuthorization, headerContentType, headerTimestamp} {
		assert.Equal(t, http.CanonicalHeaderKey(name), name)
	}
	assert.Equal(t, http.CanonicalHeaderKey(contracts.HeaderTimestamp), headerTimestamp, "the header contracts signs")
}
