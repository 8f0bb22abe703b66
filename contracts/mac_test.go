package contracts

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"net/textproto"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestMACMatchesCryptoHMAC holds the hand-written HMAC of the signing path
// to crypto/hmac, for keys shorter and longer than the block and strings to
// sign shorter and longer than the stack buffer.
func TestMACMatchesCryptoHMAC(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.SliceOfN(rapid.Byte(), 1, 3*sha256.BlockSize).Draw(t, "key")
		msg := rapid.OneOf(rapid.String(), rapid.StringN(macStack-sha256.BlockSize-2, macStack+2, -1)).Draw(t, "stringToSign")
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		sig := signBytes(key, msg)
		require.Equal(t, want, string(sig[:]))
	})
}

// TestSignMatchesTheDefinition computes Sign's outputs the long way, from
// the documented formulas and crypto/hmac.
func TestSignMatchesTheDefinition(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		secret := rapid.SliceOfN(rapid.Byte(), 1, 100).Draw(t, "key")
		cred := Credentials{Key: rapid.StringMatching(`[A-Za-z0-9-]{1,40}`).Draw(t, "appKey"), Secret: NewSecret(base64.StdEncoding.EncodeToString(secret))}
		method := rapid.SampledFrom([]string{"GET", "POST", "PUT"}).Draw(t, "method")
		path := rapid.StringN(1, 600, -1).Draw(t, "path")
		ct := rapid.SampledFrom([]string{"", "application/json", "application/json; charset=UTF-8"}).Draw(t, "contentType")
		body := rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "body")
		ts := "2014-06-04T13:41:58Z"

		s, err := Sign(cred, method, path, ct, ts, body)
		require.NoError(t, err)
		md := ""
		if len(body) > 0 {
			sum := md5.Sum(body)
			md = base64.StdEncoding.EncodeToString(sum[:])
		}
		sts := method + "\n" + md + "\n" + ct + "\n" + "x-timestamp:" + ts + "\n" + path
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(sts))
		sig := base64.StdEncoding.EncodeToString(m.Sum(nil))
		assert.Equal(t, Signed{ContentMD5: md, StringToSign: sts, Signature: sig, Timestamp: ts, Authorization: "Application " + cred.Key + ":" + sig}, s)
		assert.Equal(t, md, ContentMD5(body))
		assert.Equal(t, sts, StringToSign(method, md, ct, ts, path))
		got, err := Signature(cred.Secret, sts)
		require.NoError(t, err)
		assert.Equal(t, sig, got)
	})
}

// TestDecodeSignature holds the stack decoder to base64.StdEncoding.
func TestDecodeSignature(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		sig := rapid.OneOf(
			rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 50), base64.StdEncoding.EncodeToString),
			rapid.Map(rapid.SliceOfN(rapid.Byte(), 32, 32), base64.RawStdEncoding.EncodeToString),
			rapid.StringN(0, 100, -1),
			rapid.Map(rapid.SliceOfN(rapid.Byte(), 32, 32), func(b []byte) string {
				s := base64.StdEncoding.EncodeToString(b)
				return s[:20] + "\r\n" + s[20:] // DecodeString skips line breaks
			}),
		).Draw(t, "sig")
		b, err := base64.StdEncoding.DecodeString(sig)
		got, ok := decodeSignature(sig)
		require.Equal(t, err == nil && len(b) == 32, ok, "%q", sig)
		if ok {
			require.Equal(t, b, got[:])
		}
	})
}

func TestCanonicalTimestamp(t *testing.T) {
	t.Parallel()
	assert.Equal(t, textproto.CanonicalMIMEHeaderKey(HeaderTimestamp), canonicalTimestamp)
}
