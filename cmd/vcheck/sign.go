package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

func init() {
	register(command{name: "sign", summary: "print the signed headers of a request as a curl config (reproduction lines use it)", run: runSign})
}

// runSign prints, as a curl config (`curl -K -`), the x-timestamp and
// Authorization headers of one request, computed now with the credentials
// read from the environment, so that a reproduction line signs when it runs
// and never holds the secret. The flags describe a request and its defect
// exactly as runner.SignArgs writes them.
// signExitCodes is the end of vcheck sign -h.
const signExitCodes = `exit codes:
  0  the headers were printed as a curl config
  2  a bad flag, no --path, or the credentials missing from the environment
`

func runSign(ctx context.Context, args []string, out, _ io.Writer) error {
	fs := newFlags("sign", "-X METHOD --path PATH [--content-type CT] [--data BODY] [defect flags] | curl -K - ...", out)
	fs.epilog = signExitCodes
	method := fs.String("X", "GET", "HTTP method")
	path := fs.String("path", "", "the decoded resource path")
	ct := fs.String("content-type", "", "the Content-Type the request sends")
	data := fs.String("data", "", "the request body")
	auth := fs.String("auth", "signed", "signed, basic, none or raw")
	template := fs.String("template", "", "raw Authorization value with {key}, {signature}, {basic} placeholders")
	key := fs.String("key", "", "an application key to send instead of the real one")
	wrongSecret := fs.Bool("wrong-secret", false, "sign (or Basic-encode) with a wrong secret")
	signMethod := fs.String("sign-method", "", "sign this method instead")
	signPath := fs.String("sign-path", "", "sign this path instead")
	signCT := fs.String("sign-content-type", "", "sign this content type instead")
	signData := fs.String("sign-data", "", "sign this body instead (may be empty)")
	signShift := fs.Duration("sign-shift", 0, "sign x-timestamp moved by this much")
	flipBit := fs.Int("flip-bit", 0, "flip this bit (1-256) of the signature")
	noTS := fs.Bool("no-timestamp", false, "send no x-timestamp")
	emptyTS := fs.Bool("empty-timestamp", false, "send an empty x-timestamp")
	literalTS := fs.String("timestamp", "", "send this x-timestamp verbatim")
	layout := fs.String("timestamp-layout", "", "format x-timestamp with this Go layout (or unix)")
	offset := fs.Duration("timestamp-offset", 0, "move x-timestamp away from now")
	keyEnv := fs.String("key-env", "SINCH_APPLICATION_KEY", "environment variable holding the application key")
	secretEnv := fs.String("secret-env", "SINCH_APPLICATION_SECRET", "environment variable holding the application secret")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("--path is required")
	}
	signDataSet := false
	fs.Visit(func(f *flag.Flag) { signDataSet = signDataSet || f.Name == "sign-data" })
	r := conformance.Request{
		Method: *method, Path: *path, Body: []byte(*data), Header: http.Header{},
		Auth: conformance.Auth{Scheme: conformance.AuthScheme(*auth), Template: *template, Key: *key, Sign: conformance.SignOverride{
			Method: *signMethod, Path: *signPath, ContentType: *signCT, Body: []byte(*signData), OverrideBody: signDataSet,
			TimestampShift: *signShift, FlipBit: *flipBit,
		}},
		Timestamp: conformance.Timestamp{Omit: *noTS, Empty: *emptyTS, Literal: *literalTS, Layout: *layout, Offset: *offset},
	}
	if *ct != "" {
		r.Header.Set("Content-Type", *ct)
	}
	if *wrongSecret {
		r.Auth.Secret = contracts.NewSecret("d3JvbmctdmNoZWNrLXNlY3JldA==") // base64("wrong-vcheck-secret")
	}
	cred := contracts.Credentials{Key: os.Getenv(*keyEnv), Secret: contracts.NewSecret(os.Getenv(*secretEnv))}
	if r.Auth.Scheme != conformance.AuthNone && (cred.Key == "" || cred.Secret.IsZero()) {
		return usagef("set %s and %s: the credentials are read from the environment only", *keyEnv, *secretEnv)
	}
	req, err := r.Build(ctx, "http://vcheck.invalid", cred, time.Now(), nil)
	if err != nil {
		return usagef("%v", err)
	}
	for _, name := range []string{contracts.HeaderTimestamp, "Authorization"} {
		vs, ok := req.Header[http.CanonicalHeaderKey(name)]
		if !ok {
			vs, ok = req.Header[name]
		}
		if ok {
			fmt.Fprintf(out, "header = %s\n", curlQuote(name+": "+strings.Join(vs, ", ")))
		}
	}
	return nil
}

// curlQuote quotes a value for a curl config file.
func curlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s) + `"`
}
