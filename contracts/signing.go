package contracts

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Scheme is an Authorization scheme of Sinch authentication.
type Scheme string

// The schemes of Sinch authentication, as an Authorization header spells
// them (ParseAuthorization takes them in any case).
const (
	SchemeApplication Scheme = "Application"
	SchemeBasic       Scheme = "Basic"
)

// Header names and layouts of Sinch authentication.
const (
	HeaderTimestamp = "x-timestamp"
	// TimestampLayout is the x-timestamp layout vcheck sends: ISO-8601 UTC
	// with milliseconds, as the official Java and Node SDKs send it.
	TimestampLayout = "2006-01-02T15:04:05.000Z"
)

// ContentMD5 is Base64(MD5(body)), or "" for an empty body, as the
// Application signed request algorithm defines it.
func ContentMD5(body []byte) string {
	var b [md5Size]byte
	return string(contentMD5(&b, body))
}

// StringToSign builds the documented string to sign:
//
//	VERB \n Content-MD5 \n Content-Type \n x-timestamp:TIMESTAMP \n PATH
func StringToSign(method, contentMD5, contentType, timestamp, path string) string {
	return method + "\n" + contentMD5 + "\n" + contentType + "\n" + HeaderTimestamp + ":" + timestamp + "\n" + path
}

// Signature is Base64(HMAC-SHA256(Base64-Decode(secret), UTF8(stringToSign))).
func Signature(secret Secret, stringToSign string) (string, error) {
	key, err := secret.Key()
	if err != nil {
		return "", err
	}
	return signWithKey(key, stringToSign), nil
}

func signWithKey(key []byte, stringToSign string) string {
	sig := signBytes(key, stringToSign)
	return string(sig[:])
}

// Signed is the outcome of signing one request.
type Signed struct {
	ContentMD5    string
	StringToSign  string
	Signature     string
	Timestamp     string
	Authorization string
}

// Sign computes the Application signature of a request given by its parts.
func Sign(cred Credentials, method, path, contentType, timestamp string, body []byte) (Signed, error) {
	var kb [sha256.BlockSize]byte
	key, err := cred.Secret.appendKey(kb[:0])
	if err != nil {
		return Signed{}, err
	}
	var md [md5Size]byte
	m := contentMD5(&md, body)
	p := newPads(key)
	buf := make([]byte, 0, macStack)
	buf = append(buf, p.ipad[:]...)
	buf = appendPrefix(buf, method, m, contentType, timestamp)
	buf = appendResource(buf, path, "")
	sum := p.sum(buf)
	var sig [sigSize]byte
	base64.StdEncoding.Encode(sig[:], sum[:])

	var auth strings.Builder // one allocation; Signature is its tail
	auth.Grow(len(SchemeApplication) + 1 + len(cred.Key) + 1 + sigSize)
	auth.WriteString(string(SchemeApplication) + " ")
	auth.WriteString(cred.Key)
	auth.WriteByte(':')
	auth.Write(sig[:])
	s := Signed{ContentMD5: string(m), StringToSign: string(buf[sha256.BlockSize:]), Timestamp: timestamp, Authorization: auth.String()}
	s.Signature = s.Authorization[len(s.Authorization)-sigSize:]
	return s, nil
}

// SignRequest signs req in place with the Application scheme at time now:
// it sets x-timestamp and Authorization. body must be the exact bytes
// req sends (SignRequest reads req.Body when body is nil and puts it back).
// The resource is req.URL.Path, the decoded path, which is what the official
// Java and Node SDKs sign (facts.md section 2).
func SignRequest(req *http.Request, body []byte, cred Credentials, now time.Time) error {
	if body == nil && req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return fmt.Errorf("sign: reading the body: %w", err)
		}
		_ = req.Body.Close() // read to the end; the copy below replaces it
		req.Body = io.NopCloser(bytes.NewReader(b))
		body = b
	}
	ts := now.UTC().Format(TimestampLayout)
	s, err := Sign(cred, req.Method, req.URL.Path, req.Header.Get("Content-Type"), ts, body)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set("Authorization", s.Authorization)
	return nil
}

// BasicAuthorization returns the Basic Authorization value for cred:
// "Basic " + base64(key ":" secret).
func BasicAuthorization(cred Credentials) string {
	return string(SchemeBasic) + " " + base64.StdEncoding.EncodeToString([]byte(cred.Key+":"+cred.Secret.Reveal()))
}
