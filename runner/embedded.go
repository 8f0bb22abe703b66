package runner

import (
	"context"
	"time"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// startEmbedded starts the reference mock on a random loopback port and
// returns it with the credentials it accepts.
func startEmbedded(ctx context.Context, o *Options, cat *contracts.Catalog) (*mock.Running, contracts.Credentials, error) {
	cfg := mock.Config{Catalog: cat, Drift: o.Drift, VelocityWindow: embeddedVelocity}
	cred := mock.DefaultCredentials()
	if o.Credentials.Key != "" || !o.Credentials.Secret.IsZero() {
		cfg.Credentials = []contracts.Credentials{o.Credentials}
		cred = o.Credentials
	}
	r, err := mock.Start(ctx, cfg)
	if err != nil {
		return nil, contracts.Credentials{}, err
	}
	return r, cred, nil
}

// embeddedVelocity is the embedded mock's velocity window. Cases draw their
// numbers from Ofcom's drama ranges (a few thousand numbers), so at
// thousands of cases a second two cases often start the same number; the
// mock's default window (30 s) would answer 42901 to most of them. A
// stateful 42901 case starts its number twice within milliseconds, so a
// short window keeps that family exact and the others unhindered.
const embeddedVelocity = 250 * time.Millisecond
