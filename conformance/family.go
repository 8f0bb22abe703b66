package conformance

import (
	"encoding/binary"
	"hash/fnv"
	"slices"
	"sync"

	"pgregory.net/rapid"
)

// Family is a generator of cases for one documented error (or for the
// control cases), with what a runner must know before sending them.
type Family struct {
	// Name is the family's name: the documented code ("40005"), or
	// "40002-report", "stateful", "control".
	Name string
	// Doc says in one line what the family sends.
	Doc string
	// Codes are the documented codes its cases expect (none for control).
	Codes []int
	// Gen draws the cases. rapid's Draw is not safe for concurrent use:
	// draw in one goroutine (Draw does), execute concurrently.
	Gen *rapid.Generator[Case]
	// Stateful families have cases with Setup steps: send a case's steps
	// in order, on one target, before its request.
	Stateful bool
	// SideEffects is set when a conforming target starts a verification
	// while running a case (a control start, a setup step, a magic value
	// on a target that does not honour it). A runner sends these only to
	// the mock or with the user's explicit consent and test number.
	SideEffects bool
}

// Families returns the generator families for opts, in a stable order: the
// request families by code, 40400, the stateful family, the magic-value
// families when opts.Magic is set, and the control family.
func Families(opts Options) []Family {
	g := newGens(opts)
	fams := []Family{
		g.family40001(), g.family40002(), g.family40002Report(), g.family40003(), g.family40005(),
		g.family40100(), g.family40101(), g.family40102(), g.family40104(), g.family40107(),
		g.family40400(), g.familyStateful(),
	}
	if opts.Magic {
		fams = append(fams, g.magicFamilies()...)
	}
	return append(fams, g.familyControl())
}

// FamilyNamed returns the family with the given name from fams.
func FamilyNamed(fams []Family, name string) (Family, bool) {
	i := slices.IndexFunc(fams, func(f Family) bool { return f.Name == name })
	if i < 0 {
		return Family{}, false
	}
	return fams[i], true
}

// rapidMu serialises this package's use of rapid's process-wide state: Draw
// reads rapid's seed flag and Shrink sets it (through internal/rapidrun).
var rapidMu sync.Mutex

// CaseSeed derives the seed of the i-th case of a family from a run's seed,
// so that families draw independently of each other and of how many cases
// another family draws (a shard can draw any subset). It is never 0, which
// rapid reads as "pick a random seed".
func CaseSeed(runSeed uint64, family string, i int) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(family))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(i))
	_, _ = h.Write(b[:])
	s := splitmix(runSeed ^ h.Sum64())
	if s == 0 {
		return 1
	}
	return s
}

// splitmix is SplitMix64's finaliser: it spreads nearby inputs apart.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// DrawOne draws the case of fam for one case seed, the same case every time
// (see CaseSeed). It is the first case Shrink sends for that seed.
func DrawOne(fam Family, seed uint64) Case {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	c := fam.Gen.Example(int(seed)) //nolint:gosec // rapid converts it back to uint64
	c.Seed = seed
	return c
}

// Draw draws n cases of fam from a run's seed: case i is
// DrawOne(fam, CaseSeed(runSeed, fam.Name, i)). Call it from one goroutine
// and execute the cases concurrently if you like.
func Draw(fam Family, runSeed uint64, n int) []Case {
	n = max(n, 0)
	out := make([]Case, 0, n)
	for i := range n {
		out = append(out, DrawOne(fam, CaseSeed(runSeed, fam.Name, i)))
	}
	return out
}
