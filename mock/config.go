package mock

import (
	"fmt"
	"time"

	"github.com/vcheck/vcheck/contracts"
)

// DefaultCredentials returns the application key and secret the mock
// accepts when Config.Credentials is nil. They are public test data
// (printed by `vcheck serve`), never valid against the real API. Each call
// returns a value of its own: a caller that changes it changes nothing that
// the mock or another caller sees.
func DefaultCredentials() contracts.Credentials {
	return contracts.Credentials{Key: defaultKey, Secret: contracts.NewSecret(defaultSecret)}
}

const (
	defaultKey    = "vcheck-test-key"
	defaultSecret = "dmNoZWNrIG1vY2sgb25seQ==" // base64("vcheck mock only")
)

// The defaults of Config's zero fields.
const (
	// DefaultVelocityWindow is how long after a start another start to the
	// same number is refused with 42901. The docs give no number.
	DefaultVelocityWindow = 30 * time.Second
	// DefaultMaxEntries bounds the verifications the mock remembers; the
	// oldest is forgotten first.
	DefaultMaxEntries = 100_000
	// DefaultSlowDelay is how long the slow drift waits before answering:
	// longer than a runner's usual timeout.
	DefaultSlowDelay = 3 * time.Second
	// MaxBodyBytes is the largest request body the mock reads: 64 KiB,
	// far more than any documented request needs. A longer one is 40003.
	MaxBodyBytes = 64 << 10
)

// Code is the verification code the mock accepts in a report of an sms,
// callout or whatsapp verification; a flashcall report succeeds with a CLI
// that ends in Code (the start answers the cliFilter "(.*)1234"). Any other
// well-formed code answers status FAIL.
const Code = "1234"

// Config configures a mock. The zero value is a faithful mock with
// DefaultCredentials and the embedded catalog.
type Config struct {
	// Catalog is the documented contract; nil means contracts.DefaultCatalog().
	// It must hold every code the mock answers (the 21 of the embedded one).
	Catalog *contracts.Catalog
	// Credentials are the applications the mock knows; nil means
	// []contracts.Credentials{DefaultCredentials()}.
	Credentials []contracts.Credentials
	// MaxSkew bounds |x-timestamp - now|; 0 means contracts.DefaultMaxSkew.
	MaxSkew time.Duration
	// VelocityWindow is how long a number cannot be started again (42901);
	// 0 means DefaultVelocityWindow.
	VelocityWindow time.Duration
	// Drift names a drift mutant (see Drifts); "" is the faithful mock.
	Drift string
	// SlowDelay is the slow drift's delay; 0 means DefaultSlowDelay.
	SlowDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxEntries bounds the verifications remembered (and so the references
	// and velocity entries, which belong to them); 0 means DefaultMaxEntries.
	MaxEntries int
}

// withDefaults validates c and fills in its zero fields. An error names the
// bad field.
func (c Config) withDefaults() (Config, error) {
	if c.Catalog == nil {
		c.Catalog = contracts.DefaultCatalog()
	}
	// the codes the mock answers itself; the magic values come on top, from the catalog
	for _, code := range []int{40001, 40002, 40003, 40005, 40100, 40101, 40102, 40104, 40107, 40400, 40900, 42901, 50000} {
		if _, ok := c.Catalog.Lookup(code); !ok {
			return c, fmt.Errorf("mock config: Catalog: no entry for code %d, which the mock answers", code)
		}
	}
	if c.Credentials == nil {
		c.Credentials = []contracts.Credentials{DefaultCredentials()}
	}
	if len(c.Credentials) == 0 {
		return c, fmt.Errorf("mock config: Credentials: empty; nil means DefaultCredentials")
	}
	for i, cred := range c.Credentials {
		if cred.Key == "" {
			return c, fmt.Errorf("mock config: Credentials[%d].Key: empty", i)
		}
		if _, err := cred.Secret.Key(); err != nil {
			return c, fmt.Errorf("mock config: Credentials[%d].Secret: %w", i, err)
		}
	}
	switch {
	case c.MaxSkew < 0:
		return c, fmt.Errorf("mock config: MaxSkew: %s is negative", c.MaxSkew)
	case c.VelocityWindow < 0:
		return c, fmt.Errorf("mock config: VelocityWindow: %s is negative", c.VelocityWindow)
	case c.SlowDelay < 0:
		return c, fmt.Errorf("mock config: SlowDelay: %s is negative", c.SlowDelay)
	case c.MaxEntries < 0:
		return c, fmt.Errorf("mock config: MaxEntries: %d is negative", c.MaxEntries)
	}
	if c.MaxSkew == 0 {
		c.MaxSkew = contracts.DefaultMaxSkew
	}
	if c.VelocityWindow == 0 {
		c.VelocityWindow = DefaultVelocityWindow
	}
	if c.SlowDelay == 0 {
		c.SlowDelay = DefaultSlowDelay
	}
	if c.MaxEntries == 0 {
		c.MaxEntries = DefaultMaxEntries
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Drift != "" {
		if _, ok := mutantByName(c.Drift); !ok {
			return c, fmt.Errorf("mock config: Drift: unknown drift %q; want one of %s", c.Drift, driftNames())
		}
	}
	return c, nil
}
