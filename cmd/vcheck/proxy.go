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

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/internal/loopback"
	"github.com/vcheck/vcheck/kit"
	"github.com/vcheck/vcheck/mock"
	"github.com/vcheck/vcheck/proxy"
)

func init() {
	register(command{name: "proxy", summary: "chaos proxy: documented Sinch errors and network faults by rule", run: runProxy})
}

// multiFlag collects a repeated string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "; ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// upstream is what the proxy forwards to: the embedded reference mock,
// served in-process (no second loopback hop), or a base URL over HTTP.
type upstream struct {
	url     string                // the base URL; "" for the embedded mock
	handler http.Handler          // the embedded mock; nil for a URL
	cred    contracts.Credentials // the credentials the embedded mock accepts
}

func (u upstream) embedded() bool { return u.handler != nil }

// newUpstream returns the embedded mock, accepting cred, when spec is
// "embedded" or empty, else spec as a base URL (checked by proxy.New).
func newUpstream(spec string, cred contracts.Credentials) (upstream, error) {
	if spec != "" && spec != "embedded" {
		return upstream{url: spec}, nil
	}
	m, err := mock.New(mock.Config{Credentials: []contracts.Credentials{cred}})
	if err != nil {
		return upstream{}, fmt.Errorf("embedded mock: %w", err)
	}
	return upstream{handler: m, cred: cred}, nil
}

// serveSecretLine is where the embedded mock's public test secret is
// printed: the line of vcheck serve's banner that starts so (printBanner).
const serveSecretLine = "application secret:"

// proxyExitCodes is the end of vcheck proxy -h.
const proxyExitCodes = `exit codes:
  0  stopped by SIGINT or SIGTERM
  2  a bad flag, rule, --rules or --record file, upstream or credentials, an address that
     cannot be listened on, or the proxy failed while serving
`

func runProxy(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("proxy", "[--addr 127.0.0.1:8081] [--upstream URL|embedded] [--key K --secret S] [--rule R]... [--rules FILE] [--record FILE.jsonl] [--seed S] [--max-hang D] [--allow-side-effects]", out)
	addr := fs.String("addr", "127.0.0.1:8081", "address of the default port (admin API, Vcheck-Session header, global rules); loopback unless you mean otherwise")
	upstream := fs.String("upstream", "embedded", "base URL to forward to over HTTP, or embedded (the reference mock, served in-process)")
	key := fs.String("key", "", "application key the embedded mock accepts, and redacted from the record (default $SINCH_APPLICATION_KEY, else vcheck's public test key)")
	secret := fs.String("secret", "", "its application secret, base64 (default $SINCH_APPLICATION_SECRET; prefer the variable: flags show in ps)")
	var rules multiFlag
	fs.Var(&rules, "rule", "a rule, repeatable: '[id:] METHOD PATH [conditions] => action[, action] [times=N after=N every=N p=F]'")
	rulesFile := fs.String("rules", "", "a file of rules, one per line (# comments)")
	record := fs.String("record", "", "append every attempt as one JSON line to this file (credentials redacted)")
	seed := fs.Uint64("seed", 0, "seed of p= draws (0: random, printed)")
	maxHang := fs.Duration("max-hang", proxy.DefaultMaxHang, "bound on hang, partial(...,hang) and delay")
	fs.epilog = proxyExitCodes
	allow := fs.Bool("allow-side-effects", false, "forward start requests to a non-loopback upstream (the real API sends SMS and places calls)")
	if err := fs.parse(args); err != nil {
		return err
	}
	cfg := proxy.Config{Seed: *seed, MaxHang: *maxHang, AllowSideEffects: *allow}
	for i, text := range rules {
		r, err := proxy.ParseRule(text)
		if err != nil {
			return usagef("--rule #%d: %v", i+1, err)
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	if *rulesFile != "" {
		b, err := os.ReadFile(*rulesFile)
		if err != nil {
			return usagef("--rules: %v", err)
		}
		rs, err := proxy.ParseRules(*rulesFile, string(b))
		if err != nil {
			return usagef("--rules: %v", err)
		}
		cfg.Rules = append(cfg.Rules, rs...)
	}
	if *maxHang <= 0 {
		return usagef("--max-hang %v: want a positive duration", *maxHang)
	}
	k, err := kit.Load()
	if err != nil {
		return err
	}
	cfg.Scenarios = k.ProxyScenarios()
	// The same resolution as serve, so an SDK's test credentials work
	// through the proxy; and they are redacted whatever the upstream.
	cred, builtIn, err := serveCredentials(*key, *secret)
	if err != nil {
		return err
	}
	cfg.Credentials = append(cfg.Credentials, cred)
	up, err := newUpstream(*upstream, cred)
	if err != nil {
		return err
	}
	if !up.embedded() {
		if _, err := loopback.ParseBaseURL("--upstream", up.url); err != nil {
			return usagef("%v", err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usagef("--addr %s: %v", *addr, err)
	}
	defer ln.Close()
	if *record != "" {
		f, err := os.OpenFile(*record, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return usagef("--record: %v", err)
		}
		defer f.Close()
		cfg.Record = f
	}
	cfg.Upstream, cfg.Handler = up.url, up.handler
	p, err := proxy.New(cfg)
	if err != nil {
		return usagef("%v", err)
	}
	defer p.Close()
	srv := p.NewHTTPServer(p)
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if !loopback.Addr(ln.Addr()) {
		fmt.Fprintf(errOut, "vcheck proxy: warning: %s is not a loopback address; anyone who reaches it can use the proxy\n", ln.Addr())
	}
	fmt.Fprintf(errOut, "vcheck proxy: listening on http://%s\n", ln.Addr())
	switch {
	case up.embedded() && builtIn:
		fmt.Fprintf(errOut, "vcheck proxy: upstream: the embedded reference mock, in-process; application key %s, vcheck's public test key (its secret: the %q line of vcheck serve; --key/--secret to use your own)\n", up.cred.Key, serveSecretLine)
	case up.embedded():
		fmt.Fprintf(errOut, "vcheck proxy: upstream: the embedded reference mock, in-process; application key %s (its secret is the one you gave; not shown)\n", up.cred.Key)
	default:
		fmt.Fprintf(errOut, "vcheck proxy: upstream %s\n", up.url)
	}
	fmt.Fprintf(errOut, "vcheck proxy: %d global rule(s), seed %d; sessions: POST http://%s/__vcheck/sessions {\"scenario\": ID} (vcheck kit list)\n", len(cfg.Rules), p.Seed(), ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
