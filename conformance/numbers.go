package conformance

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/vcheck/vcheck/contracts"
)

// dramaRanges are prefixes of Ofcom's ranges reserved for TV and radio drama
// (each followed by three digits): numbers that never reach a person. The
// mobile range comes first so that shrinking lands on a mobile number.
var dramaRanges = []string{
	"+447700900", // 07700 900000-900999 (mobile)
	"+441134960", // 0113 496 0000-0999 (Leeds)
	"+441214960", // 0121 496 0000-0999 (Birmingham)
	"+442079460", // 020 7946 0000-0999 (London)
	"+441614960", // 0161 496 0000-0999 (Manchester)
	"+441314960", // 0131 496 0000-0999 (Edinburgh)
}

// genDramaNumber draws a drama number that is not one of the catalog's magic
// values.
func genDramaNumber(cat *contracts.Catalog) *rapid.Generator[string] {
	var numbers []string
	for _, prefix := range dramaRanges {
		for i := range 1000 {
			n := fmt.Sprintf("%s%03d", prefix, i)
			if _, magic := cat.ByMagic(n); !magic {
				numbers = append(numbers, n)
			}
		}
	}
	return pick(numbers)
}

// pick draws an element of items nearly uniformly. rapid's own SampledFrom
// favours the first elements, which is right for shrinking but makes the
// numbers of a long run collide (a second start to a number within the
// target's velocity window is 42901, not the case under test). pick draws
// 8 bytes instead, which shrink to the first element all the same.
func pick[E any](items []E) *rapid.Generator[E] {
	return rapid.Custom(func(t *rapid.T) E {
		b := rapid.SliceOfN(rapid.Byte(), 8, 8).Draw(t, "bytes")
		var v uint64
		for _, x := range b {
			v = v<<8 | uint64(x)
		}
		return items[v%uint64(len(items))]
	})
}

// genMobileNumber draws from the mobile drama range only, without magic
// values: the base of the malformed-number families.
func genMobileNumber(cat *contracts.Catalog) *rapid.Generator[string] {
	var numbers []string
	for i := range 1000 {
		n := fmt.Sprintf("%s%03d", dramaRanges[0], i)
		if _, magic := cat.ByMagic(n); !magic {
			numbers = append(numbers, n)
		}
	}
	return rapid.SampledFrom(numbers)
}
