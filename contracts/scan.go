package contracts

import "github.com/vcheck/vcheck/internal/jsonscan"

// scanFlat is the fast path for the common shape of an error body: one JSON
// object whose keys are printable ASCII without escapes and whose values are
// numbers or strings without escapes, each key once. It fills f and returns
// true only for such a body, which is then valid JSON whose fields decode to
// exactly what the general path would find; anything else returns false and
// goes to decodeFields. The scanning is jsonscan.Flat, which the mock's
// request-body reader shares.
func (f *bodyFields) scanFlat(b []byte) bool { return jsonscan.Flat(b, f.set) }

func isDigit(c byte) bool { return jsonscan.IsDigit(c) }
