package contracts

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
)

// The signing and verifying hot path computes HMAC-SHA256 (RFC 2104) by
// hand over stack buffers: the string to sign is appended straight after
// the inner key pad and hashed with sha256.Sum256, which keeps its input on
// the stack, so a signature costs no allocation and no string to sign is
// built. TestMACMatchesCryptoHMAC holds it to crypto/hmac.

// macStack is the stack space for the inner pad and a string to sign; a
// longer one grows onto the heap, with the same result.
const macStack = 512

// keyPads are a key's inner and outer HMAC-SHA256 pads.
type keyPads struct{ ipad, opad [sha256.BlockSize]byte }

// newPads prepares key; a key longer than the block is hashed first.
func newPads(key []byte) (p keyPads) {
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	copy(p.ipad[:], key)
	copy(p.opad[:], key)
	for i := range p.ipad {
		p.ipad[i] ^= 0x36
		p.opad[i] ^= 0x5c
	}
	return p
}

// sum returns HMAC-SHA256 of msg, where inner is the inner pad followed by
// msg (as appendStringToSign builds it after p.ipad).
func (p *keyPads) sum(inner []byte) [sha256.Size]byte {
	var outer [sha256.BlockSize + sha256.Size]byte
	copy(outer[:], p.opad[:])
	h := sha256.Sum256(inner)
	copy(outer[sha256.BlockSize:], h[:])
	return sha256.Sum256(outer[:])
}

// appendPrefix appends the string to sign up to the resource:
//
//	VERB \n Content-MD5 \n Content-Type \n x-timestamp:TIMESTAMP \n
func appendPrefix(b []byte, method string, contentMD5 []byte, contentType, timestamp string) []byte {
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, contentMD5...)
	b = append(b, '\n')
	b = append(b, contentType...)
	b = append(b, "\n"+HeaderTimestamp+":"...)
	b = append(b, timestamp...)
	return append(b, '\n')
}

// appendResource appends the resource: path, and "?" query when query is
// not empty.
func appendResource(b []byte, path, query string) []byte {
	b = append(b, path...)
	if query != "" {
		b = append(b, '?')
		b = append(b, query...)
	}
	return b
}

// md5Size is the length of Base64(MD5(body)).
const md5Size = 24

// contentMD5 writes Base64(MD5(body)) into dst and returns it, or an empty
// slice for an empty body.
func contentMD5(dst *[md5Size]byte, body []byte) []byte {
	if len(body) == 0 {
		return dst[:0]
	}
	sum := md5.Sum(body)
	base64.StdEncoding.Encode(dst[:], sum[:])
	return dst[:]
}

// sigSize is the length of a Base64 HMAC-SHA256 signature.
const sigSize = 44

// signBytes returns Base64(HMAC-SHA256(key, stringToSign)) for a string to
// sign given as bytes.
func signBytes(key []byte, stringToSign string) [sigSize]byte {
	p := newPads(key)
	buf := make([]byte, 0, macStack)
	buf = append(buf, p.ipad[:]...)
	buf = append(buf, stringToSign...)
	sum := p.sum(buf)
	var sig [sigSize]byte
	base64.StdEncoding.Encode(sig[:], sum[:])
	return sig
}
