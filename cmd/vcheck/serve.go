package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/internal/loopback"
	"github.com/vcheck/vcheck/mock"
)

func init() {
	register(command{name: "serve", summary: "serve the reference mock of the Verification API (for any SDK's tests)", run: runServe})
}

// shutdownGrace is how long serve lets requests in flight finish when it stops.
const shutdownGrace = 5 * time.Second

// serveExitCodes is the end of vcheck serve -h.
const serveExitCodes = `exit codes:
  0  stopped by SIGINT or SIGTERM once the requests in flight finished (or --drift list printed)
  2  a bad flag, --catalog file or credentials, an address that cannot be listened on,
     or the server failed while serving
`

func runServe(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--key K --secret S] [--catalog FILE] [--drift NAME | --drift list] [--skew D] [--velocity D] [--slow-delay D]", out)
	fs.epilog = serveExitCodes
	addr := fs.String("addr", "127.0.0.1:8080", "listen address; loopback by default (port 0 picks a free one)")
	key := fs.String("key", "", "application key to accept (default $SINCH_APPLICATION_KEY, else vcheck's public test key)")
	secret := fs.String("secret", "", "application secret to accept (default $SINCH_APPLICATION_SECRET; prefer the variable: flags show in ps)")
	catalog := fs.catalogFlag()
	drift := fs.String("drift", "", `break the contract in one named way; "list" lists the mutants`)
	skew := fs.Duration("skew", contracts.DefaultMaxSkew, "largest accepted distance between x-timestamp and the clock")
	velocity := fs.Duration("velocity", mock.DefaultVelocityWindow, "how long after a start a second start to the same number is 42901")
	slowDelay := fs.Duration("slow-delay", mock.DefaultSlowDelay, "how late the slow drift answers")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *drift == "list" {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, d := range mock.Drifts() {
			fmt.Fprintf(tw, "%s\t%s\n", d.Name, d.Description)
		}
		return tw.Flush()
	}
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"skew", *skew}, {"velocity", *velocity}, {"slow-delay", *slowDelay}} {
		if f.d <= 0 {
			return usagef("--%s: %s is not a positive duration", f.name, f.d)
		}
	}
	cred, builtIn, err := serveCredentials(*key, *secret)
	if err != nil {
		return err
	}
	cat, err := catalog()
	if err != nil {
		return err
	}
	cfg := mock.Config{
		Catalog:        cat,
		Credentials:    []contracts.Credentials{cred},
		MaxSkew:        *skew,
		VelocityWindow: *velocity,
		Drift:          *drift,
		SlowDelay:      *slowDelay,
	}
	s, err := mock.New(cfg)
	if err != nil {
		return usagef("%v", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return usagef("--addr %s: %v", *addr, err)
	}
	if !loopback.Addr(ln.Addr()) {
		fmt.Fprintf(errOut, "vcheck serve: warning: %s is not a loopback address: the mock is reachable from other machines\n", ln.Addr())
	}
	srv := mock.NewHTTPServer(ln.Addr().String(), s)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	printBanner(out, "http://"+ln.Addr().String(), cred, builtIn, cfg)

	select {
	case err := <-served: // Serve only returns on its own on a listener failure
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	fmt.Fprintln(out, "stopped")
	return nil
}

// serveCredentials resolves --key/--secret, then the environment, then the
// mock's public test credentials; builtIn says the last.
func serveCredentials(key, secret string) (contracts.Credentials, bool, error) {
	if key == "" {
		key = os.Getenv("SINCH_APPLICATION_KEY")
	}
	if secret == "" {
		secret = os.Getenv("SINCH_APPLICATION_SECRET")
	}
	switch {
	case key == "" && secret == "":
		return mock.DefaultCredentials(), true, nil
	case key == "":
		return contracts.Credentials{}, false, usagef("--secret without --key (or SINCH_APPLICATION_KEY)")
	case secret == "":
		return contracts.Credentials{}, false, usagef("--key without --secret (or SINCH_APPLICATION_SECRET)")
	}
	cred := contracts.Credentials{Key: key, Secret: contracts.NewSecret(secret)}
	if _, err := cred.Secret.Key(); err != nil {
		return contracts.Credentials{}, false, usagef("--secret: %v", err) // the error never holds the secret
	}
	if strings.ContainsAny(key, ": \t") {
		return contracts.Credentials{}, false, usagef("--key %q: an application key has no colon or white space", key)
	}
	return cred, false, nil
}

// printBanner tells an SDK author everything needed to point a client at
// the mock. The secret is printed only when it is the built-in test secret,
// which is public.
func printBanner(out io.Writer, url string, cred contracts.Credentials, builtIn bool, cfg mock.Config) {
	fmt.Fprintln(out, "vcheck serve: the reference mock of the Sinch Verification API")
	fmt.Fprintf(out, "listening on %s (point your SDK's verification hostname here; paths at the root)\n", url)
	if builtIn {
		fmt.Fprintf(out, "application key:    %s\n", cred.Key)
		fmt.Fprintf(out, "application secret: %s (vcheck's public test secret; --key/--secret to use your own)\n", cred.Secret.Reveal())
	} else {
		fmt.Fprintf(out, "application key:    %s (its secret is the one you gave; not shown)\n", cred.Key)
	}
	fmt.Fprintf(out, "auth: Application signed requests (x-timestamp within %s of the clock) or Basic\n", cfg.MaxSkew)
	fmt.Fprintf(out, "verification code: %s (sms, callout, whatsapp); flashcall: a CLI ending in %s; any other code reports FAIL\n", mock.Code, mock.Code)
	fmt.Fprintf(out, "velocity: a second start to a number within %s is 42901\n", cfg.VelocityWindow)
	fmt.Fprintln(out, "magic numbers: a valid start to one answers its code (server codes also answer a report or status naming it):")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NUMBER\tCODE\tHTTP\tSTATUS\tMESSAGE")
	for _, s := range cfg.Catalog.Errors() {
		if s.Magic != "" {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\t%s\n", s.Magic, s.Code, s.HTTPStatus, s.Status, strings.Join(s.Messages, " / "))
		}
	}
	_ = tw.Flush()
	if cfg.Drift != "" {
		for _, d := range mock.Drifts() {
			if d.Name == cfg.Drift {
				fmt.Fprintf(out, "DRIFT %s: %s (this mock breaks the contract on purpose)\n", d.Name, d.Description)
			}
		}
	}
	fmt.Fprintln(out, "ready; Ctrl-C stops")
}
