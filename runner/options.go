package runner

import (
	"fmt"
	"net/http"
	"time"

	"github.com/vcheck/vcheck/conformance"
	"github.com/vcheck/vcheck/contracts"
)

// Options configure how a run executes: what it sends, where, how fast,
// and how it judges. Where the results go is the Reporters' business (see
// Run). The zero value runs the whole suite against the embedded mock with
// its built-in credentials.
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
	// Baseline is a baseline file to compare with: the deviations it
	// accepts do not fail the run. UpdateBaseline writes the run's findings
	// to it instead, keeping every reason that still applies. Both are
	// options of the run, not of a report: the baseline decides the verdict
	// that every report states and the exit code follows, and it is read
	// and checked before anything is sent.
	Baseline       string
	UpdateBaseline bool
	// Version is printed in reports.
	Version string
	// Command is the command prefix replay lines use; "" means "vcheck".
	Command string
}

// normalise checks the options and fills in the defaults; the error is a
// *ConfigError naming the field.
func (o *Options) normalise() error {
	switch {
	case o.Cases < 0:
		return configErr("Cases", ref("Cases"), fmt.Sprintf(" %d: want 1 or more", o.Cases))
	case o.Concurrency < 0:
		return configErr("Concurrency", ref("Concurrency"), fmt.Sprintf(" %d: want 1 or more", o.Concurrency))
	case o.Rate < 0:
		return configErr("Rate", ref("Rate"), fmt.Sprintf(" %g: want a positive number of requests per second", o.Rate))
	case o.Budget < 0:
		return configErr("Budget", ref("Budget"), fmt.Sprintf(" %d: want 1 or more", o.Budget))
	case o.Timeout < 0:
		return configErr("Timeout", ref("Timeout"), fmt.Sprintf(" %s: want a positive duration", o.Timeout))
	case o.Shards < 0 || o.Shard < 0 || (o.Shards > 0 && (o.Shard < 1 || o.Shard > o.Shards)) || (o.Shards == 0 && o.Shard != 0):
		return configErr("Shard", ref("Shard"), fmt.Sprintf(" %d/%d: want I/N with 1 <= I <= N", o.Shard, o.Shards))
	case o.TestNumber != "" && !contracts.IsE164(o.TestNumber):
		return configErr("TestNumber", ref("TestNumber"), fmt.Sprintf(" %q: want an E.164 number such as +46700000000", o.TestNumber))
	case o.AllowSideEffects && o.TestNumber == "":
		return configErr("AllowSideEffects", ref("AllowSideEffects"), " needs ", ref("TestNumber"), ": the only number a real verification may reach")
	case o.UpdateBaseline && o.Baseline == "":
		return configErr("UpdateBaseline", ref("UpdateBaseline"), " needs ", ref("Baseline"))
	case o.Drift != "" && o.Target != "":
		return configErr("Drift", ref("Drift"), " applies to the embedded mock only; drop ", ref("Target"), " or ", ref("Drift"))
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
	if o.MaxShrink == 0 {
		o.MaxShrink = 20
	}
	if o.Command == "" {
		o.Command = "vcheck"
	}
	return nil
}
