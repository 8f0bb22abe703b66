package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/vcheck/vcheck/contracts"
)

func init() {
	register(command{name: "sign", summary: "print the Authorization value of a request (used by reproduction lines)", run: runSign})
}

// runSign prints an Application Authorization value for one request, with
// the credentials read from the environment, so that a reproduction line
// can sign at the moment it runs without the secret ever being printed.
func runSign(ctx context.Context, args []string, out, _ io.Writer) error {
	fs := newFlags("sign", "-X METHOD --path PATH --timestamp TS [--content-type CT] [--data BODY | --data-file FILE]", out)
	method := fs.String("X", "GET", "HTTP method")
	path := fs.String("path", "", "the resource path, as signed (decoded, no query)")
	ct := fs.String("content-type", "", "the Content-Type line of the string to sign")
	ts := fs.String("timestamp", "", "the x-timestamp value")
	data := fs.String("data", "", "the request body")
	dataFile := fs.String("data-file", "", "read the request body from this file (- for stdin)")
	keyEnv := fs.String("key-env", "SINCH_APPLICATION_KEY", "environment variable holding the application key")
	secretEnv := fs.String("secret-env", "SINCH_APPLICATION_SECRET", "environment variable holding the application secret")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch {
	case *path == "":
		return usagef("--path is required")
	case *ts == "":
		return usagef("--timestamp is required")
	case *data != "" && *dataFile != "":
		return usagef("--data and --data-file exclude each other")
	}
	body := []byte(*data)
	if *dataFile != "" {
		var err error
		if *dataFile == "-" {
			body, err = io.ReadAll(io.LimitReader(stdinFrom(ctx), 1<<20))
		} else {
			body, err = os.ReadFile(*dataFile)
		}
		if err != nil {
			return usagef("--data-file: %v", err)
		}
	}
	key, secret := os.Getenv(*keyEnv), os.Getenv(*secretEnv)
	if key == "" || secret == "" {
		return usagef("set %s and %s (the credentials are read from the environment only)", *keyEnv, *secretEnv)
	}
	s, err := contracts.Sign(contracts.Credentials{Key: key, Secret: contracts.Secret(secret)}, *method, *path, *ct, *ts, body)
	if err != nil {
		return usagef("%s: %v", *secretEnv, err)
	}
	_, err = fmt.Fprintln(out, s.Authorization)
	return err
}
