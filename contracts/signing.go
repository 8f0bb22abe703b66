package contracts

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
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
	if len(body) == 0 {
		return ""
	}
	sum := md5.Sum(body)
	return base64.StdEncoding.EncodeToString(sum[:])
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
	m := hmac.New(sha256.New, key)
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
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
	s := Signed{ContentMD5: ContentMD5(body), Timestamp: timestamp}
	s.StringToSign = StringToSign(method, s.ContentMD5, contentType, timestamp, path)
	sig, err := Signature(cred.Secret, s.StringToSign)
	if err != nil {
		return Signed{}, err
	}
	s.Signature = sig
	s.Authorization = string(SchemeApplication) + " " + cred.Key + ":" + sig
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
		req.Body.Close()
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
