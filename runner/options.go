package runner

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// ErrConfig marks a usage or configuration error: nothing was sent.
var ErrConfig = errors.New("configuration error")

// ErrUnreachable marks a target that could not be reached or timed out.
var ErrUnreachable = errors.New("target unreachable")

// configError names the option that is wrong.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }
func (e *configError) Unwrap() error { return ErrConfig }

func configf(format string, args ...any) error { return &configError{fmt.Sprintf(format, args...)} }

// Options configure a run. The zero value runs the whole suite against the
// embedded mock with its built-in credentials.
type Options struct {
	// Target is the base URL; empty starts the embedded mock on a random
	// loopback port.
	Target string
	// Credentials sign the requests; for the embedded mock the zero value
	// means the mock's built-in test credentials.
	Credentials contracts.Credentials
	// Basic sends Basic auth instead of Application signing.
	Basic bool
	// Catalog is the documented contract; nil means the embedded one.
	Catalog *contracts.Catalog
	// CatalogPath is the file Catalog was read from ("" for the embedded
	// one), for reproduction lines and for telling runs apart.
	CatalogPath string
	// Cases is the number of cases drawn per family; 0 means 25.
	Cases int
	// Seed reproduces a run; 0 means a random seed (printed).
	Seed uint64
	// Only and Skip select families by documented code.
	Only, Skip []int
	// Concurrency is how many cases run at once; 0 means 8.
	Concurrency int
	// Rate bounds requests per second (token bucket); 0 means no bound on
	// a loopback target and 5 per second on any other.
	Rate float64
	// Budget bounds the total number of HTTP requests; 0 means no bound.
	Budget int
	// Timeout bounds each request; 0 means 10 s.
	Timeout time.Duration
	// Shard and Shards split the cases deterministically: this run sends
	// the cases of shard Shard (1-based) of Shards. Zero means no split.
	Shard, Shards int
	// MockMagic declares that the target honours the catalog's magic
	// numbers; always on for the embedded mock.
	MockMagic bool
	// AllowSideEffects and TestNumber allow, against a non-loopback
	// target, the cases that start a real verification, to TestNumber only.
	AllowSideEffects bool
	TestNumber       string
	// RequireCodes are codes that must be exercised: one that no case
	// exercised fails the run. RequireAll requires every code triggerable
	// on this target. A required code the flags make untriggerable (left
	// out by Only/Skip, a side effect off loopback, a magic value the
	// target does not declare) is a configuration error, found before
	// anything is sent.
	RequireCodes []int
	RequireAll   bool
	// DryRun prints the planned requests (secret redacted) and sends nothing.
	DryRun bool
	// Policy is the errata policy of the oracle.
	Policy conformance.Policy
	// Drift makes the embedded mock break the contract in one named way
	// (for vcheck's own tests of its checks).
	Drift string
	// Replay runs one case only, "FAMILY@SEED" as reports print it.
	Replay string
	// Retries bounds the re-sends of a request that met a transport
	// failure; 0 means 2, negative means none. Only a request that is safe
	// to repeat (GET, or one whose connection was never made) is re-sent: a
	// start or a report that may have reached the target never is.
	Retries int
	// Transport, when set, carries every request instead of vcheck's own
	// HTTP transport; redirects are still not followed. Tests use an
	// in-memory one to play a remote target without any network.
	Transport http.RoundTripper
	// MaxShrink bounds how many failing cases are shrunk; 0 means 20.
	MaxShrink int
	// MaxFindings bounds the finding groups the text summary details after
	// the causes; 0 means 20, negative means the causes only. The Markdown
	// lists at most 100, the JSON all of them.
	MaxFindings int
	// JSON, JUnit, Markdown and HTML are report paths ("" for none).
	JSON, JUnit, Markdown, HTML string
	// Baseline is a baseline file to compare with; UpdateBaseline writes
	// the run's findings to it instead.
	Baseline       string
	UpdateBaseline bool
	// Out receives the human summary; Progress receives progress lines
	// (a live line when Terminal is set). nil discards.
	Out, Progress io.Writer
	Terminal      bool
	// Version is printed in reports.
	Version string
	// Command is the command prefix replay lines use; "" means "vcheck".
	Command string
}

func (o *Options) normalise() error {
	switch {
	case o.Cases < 0:
		return configf("--cases %d: want 1 or more", o.Cases)
	case o.Concurrency < 0:
		return configf("--concurrency %d: want 1 or more", o.Concurrency)
	case o.Rate < 0:
		return configf("--rate %g: want a positive number of requests per second", o.Rate)
	case o.Budget < 0:
		return configf("--budget %d: want 1 or more", o.Budget)
	case o.Timeout < 0:
		return configf("--timeout %s: want a positive duration", o.Timeout)
	case o.Shards < 0 || o.Shard < 0 || (o.Shards > 0 && (o.Shard < 1 || o.Shard > o.Shards)) || (o.Shards == 0 && o.Shard != 0):
		return configf("--shard %d/%d: want I/N with 1 <= I <= N", o.Shard, o.Shards)
	case o.TestNumber != "" && !contracts.IsE164(o.TestNumber):
		return configf("--test-number %q: want an E.164 number such as +46700000000", o.TestNumber)
	case o.AllowSideEffects && o.TestNumber == "":
		return configf("--allow-side-effects needs --test-number: the only number a real verification may reach")
	case o.UpdateBaseline && o.Baseline == "":
		return configf("--update-baseline needs --baseline FILE")
	case o.Drift != "" && o.Target != "":
		return configf("--drift applies to the embedded mock only; drop --target or --drift")
	}
	if o.Cases == 0 {
		o.Cases = 25
	}
	if o.Concurrency == 0 {
		o.Concurrency = 8
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 2
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.MaxFindings == 0 {
		o.MaxFindings = defaultMaxFindings
	}
	if o.MaxShrink == 0 {
		o.MaxShrink = 20
	}
	if o.Command == "" {
		o.Command = "vcheck"
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return nil
}
