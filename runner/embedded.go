package runner

import (
	"context"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// startEmbedded starts the reference mock on a random loopback port and
// returns it with the credentials it accepts.
func startEmbedded(ctx context.Context, o *Options, cat *contracts.Catalog) (*mock.Running, contracts.Credentials, error) {
	cfg := mock.Config{Catalog: cat, Drift: o.Drift}
	cred := mock.DefaultCredentials
	if o.Credentials.Key != "" || o.Credentials.Secret != "" {
		cfg.Credentials = []contracts.Credentials{o.Credentials}
		cred = o.Credentials
	}
	r, err := mock.Start(ctx, cfg)
	if err != nil {
		return nil, contracts.Credentials{}, err
	}
	return r, cred, nil
}
