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
	cred    contracts.Credentials // the embedded mock's public test credentials
}

func (u upstream) embedded() bool { return u.handler != nil }

// newUpstream returns the embedded mock when spec is "embedded" or empty,
// else spec as a base URL (checked by proxy.New).
func newUpstream(spec string) (upstream, error) {
	if spec != "" && spec != "embedded" {
		return upstream{url: spec}, nil
	}
	m, err := mock.New(mock.Config{})
	if err != nil {
		return upstream{}, fmt.Errorf("embedded mock: %w", err)
	}
	return upstream{handler: m, cred: mock.DefaultCredentials}, nil
}

func runProxy(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("proxy", "[--addr 127.0.0.1:8081] [--upstream URL|embedded] [--rule R]... [--rules FILE] [--record FILE.jsonl] [--seed S] [--max-hang D] [--allow-side-effects]", out)
	addr := fs.String("addr", "127.0.0.1:8081", "address of the default port (admin API, Vcheck-Session header, global rules); loopback unless you mean otherwise")
	upstream := fs.String("upstream", "embedded", "base URL to forward to over HTTP, or embedded (the reference mock, served in-process)")
	var rules multiFlag
	fs.Var(&rules, "rule", "a rule, repeatable: '[id:] METHOD PATH [conditions] => action[, action] [times=N after=N every=N p=F]'")
	rulesFile := fs.String("rules", "", "a file of rules, one per line (# comments)")
	record := fs.String("record", "", "append every attempt as one JSON line to this file (credentials redacted)")
	seed := fs.Uint64("seed", 0, "seed of p= draws (0: random, printed)")
	maxHang := fs.Duration("max-hang", proxy.DefaultMaxHang, "bound on hang, partial(...,hang) and delay")
	allow := fs.Bool("allow-side-effects", false, "forward start requests to a non-loopback upstream (the real API sends SMS and places calls)")
	if err := fs.parse(args); err != nil {
		return err
	}
	cfg := proxy.Config{Seed: *seed, MaxHang: *maxHang, AllowSideEffects: *allow}
	for i, text := range rules {
		r, err := proxy.Parse(text)
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
	if key, sec := os.Getenv("SINCH_APPLICATION_KEY"), os.Getenv("SINCH_APPLICATION_SECRET"); sec != "" {
		cfg.Credentials = append(cfg.Credentials, contracts.Credentials{Key: key, Secret: contracts.NewSecret(sec)})
	}
	up, err := newUpstream(*upstream)
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
	if up.embedded() {
		cfg.Credentials = append(cfg.Credentials, up.cred)
	}
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
	if up.embedded() {
		fmt.Fprintf(errOut, "vcheck proxy: upstream: the embedded reference mock, in-process (key %s, its public test secret: vcheck catalog)\n", up.cred.Key)
	} else {
		fmt.Fprintf(errOut, "vcheck proxy: upstream %s\n", up.url)
	}
	fmt.Fprintf(errOut, "vcheck proxy: %d global rule(s), seed %d; sessions: POST http://%s/__vcheck/sessions {\"scenario\": ID} (vcheck kit list)\n", len(cfg.Rules), p.Seed(), ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
