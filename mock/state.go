package mock

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// status is a verification's status; the mock gives three of the
// documented ones (facts.md section 3).
type status uint8

const (
	statusPending status = iota
	statusSuccessful
	statusFail
)

func (s status) String() string {
	switch s {
	case statusSuccessful:
		return "SUCCESSFUL"
	case statusFail:
		return "FAIL"
	}
	return "PENDING"
}

// reason says why a verification failed, in the words of the SDKs' models.
type reason uint8

const (
	reasonNone reason = iota
	reasonInvalidCode
	reasonInvalidCLI
	reasonInvalidMethod
)

func (r reason) String() string {
	switch r {
	case reasonInvalidCode:
		return "Invalid code"
	case reasonInvalidCLI:
		return "Invalid CLI"
	case reasonInvalidMethod:
		return "Invalid method"
	}
	return ""
}

// id is a verification id, sent in the UUID form.
type id [16]byte

// String is the id in the UUID form, lower case.
func (i id) String() string {
	var out [36]byte
	hex.Encode(out[0:8], i[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], i[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], i[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], i[8:10])
	out[23] = '-'
	hex.Encode(out[24:], i[10:])
	return string(out[:])
}

// parseID reads an id in the UUID form (either case); anything else is no
// id the mock gave.
func parseID(s string) (id, bool) {
	var i id
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return i, false
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(i[:], []byte(hexDigits)); err != nil {
		return i, false
	}
	return i, true
}

// newID returns a random id of version 4.
func newID() id {
	var i id
	_, _ = rand.Read(i[:]) // never fails (crypto/rand, Go 1.24+)
	i[6] = i[6]&0x0f | 0x40
	i[8] = i[8]&0x3f | 0x80
	return i
}

// verification is one started verification. It is kept small (about 64
// bytes and the number's) because the store holds up to MaxEntries of them.
type verification struct {
	id        id
	started   int64 // Unix nanoseconds
	endpoint  string
	reference string
	method    method
	status    status
	reason    reason
}

// store is the mock's memory: the verifications, by id, by number (the
// latest start to it, which is also the velocity entry) and by reference.
// It is safe for concurrent use and holds at most max verifications: the
// oldest is forgotten first, with its number and reference entries, so a
// million distinct numbers cost no more than max.
type store struct {
	mu       sync.Mutex
	max      int
	byID     map[id]*verification
	byNumber map[string]*verification
	byRef    map[string]*verification
	order    []*verification // a ring once it holds max
	next     int             // the oldest entry of the full ring
}

func newStore(max int) *store {
	return &store{
		max:      max,
		byID:     map[id]*verification{},
		byNumber: map[string]*verification{},
		byRef:    map[string]*verification{},
	}
}

// start records a start. It answers 40900 for a reference already used and
// 42901 for a number started less than window ago (unless window is 0).
func (s *store) start(req startRequest, now time.Time, window time.Duration) (verification, int) {
	fresh := newID() // outside the lock
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.reference != "" {
		if _, used := s.byRef[req.reference]; used {
			return verification{}, 40900
		}
	}
	if last, ok := s.byNumber[req.endpoint]; ok && window > 0 && now.UnixNano()-last.started < int64(window) {
		return verification{}, 42901
	}
	v := &verification{
		id:        fresh,
		endpoint:  req.endpoint,
		reference: req.reference,
		method:    req.method,
		started:   now.UnixNano(),
	}
	s.add(v)
	return *v, 0
}

// add stores v, forgetting the oldest verification when full.
func (s *store) add(v *verification) {
	if len(s.order) < s.max {
		s.order = append(s.order, v)
	} else {
		old := s.order[s.next]
		delete(s.byID, old.id)
		if s.byNumber[old.endpoint] == old {
			delete(s.byNumber, old.endpoint)
		}
		if old.reference != "" && s.byRef[old.reference] == old {
			delete(s.byRef, old.reference)
		}
		s.order[s.next] = v
		s.next = (s.next + 1) % s.max
	}
	s.byID[v.id] = v
	s.byNumber[v.endpoint] = v
	if v.reference != "" {
		s.byRef[v.reference] = v
	}
}

// get returns the verification with the id.
func (s *store) get(ident string) (verification, bool) {
	i, ok := parseID(ident)
	if !ok {
		return verification{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byID[i]
	if !ok {
		return verification{}, false
	}
	return *v, true
}

// reference returns the verification started with the reference.
func (s *store) reference(ref string) (verification, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byRef[ref]
	if !ok {
		return verification{}, false
	}
	return *v, true
}

// identity returns the latest verification of the number, if it has the
// method.
func (s *store) identity(endpoint string, m method) (verification, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byNumber[endpoint]
	if !ok || v.method != m {
		return verification{}, false
	}
	return *v, true
}

// reportID reports a code to the verification with the id. A verification
// that is no longer pending keeps and answers its final status.
func (s *store) reportID(ident string, req reportRequest) (verification, bool) {
	i, ok := parseID(ident)
	if !ok {
		return verification{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byID[i]
	if !ok {
		return verification{}, false
	}
	if v.status == statusPending {
		v.judge(req)
	}
	return *v, true
}

// reportNumber reports a code to the pending verification of the number;
// a number with none is not found.
func (s *store) reportNumber(endpoint string, req reportRequest) (verification, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byNumber[endpoint]
	if !ok || v.status != statusPending {
		return verification{}, false
	}
	v.judge(req)
	return *v, true
}

// judge settles a pending verification with a report: SUCCESSFUL for the
// right code, FAIL for any other (or for a report of another method).
func (v *verification) judge(req reportRequest) {
	switch {
	case req.method != v.method:
		v.status, v.reason = statusFail, reasonInvalidMethod
	case v.method == methodFlashCall && strings.HasSuffix(req.code, Code):
		v.status = statusSuccessful
	case v.method == methodFlashCall:
		v.status, v.reason = statusFail, reasonInvalidCLI
	case req.code == Code:
		v.status = statusSuccessful
	default:
		v.status, v.reason = statusFail, reasonInvalidCode
	}
}

// len is how many verifications the store holds, and the sizes of its
// indexes; for tests.
func (s *store) len() (verifications, numbers, references int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID), len(s.byNumber), len(s.byRef)
}
