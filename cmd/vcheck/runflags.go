package main

import (
	"errors"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/runner"
)

// optionFlags names each runner.Options field by the vcheck run flag that
// sets it, so that the runner's errors, which name fields, name flags here
// (flagText). Fields without a flag (Retries, Transport, MaxShrink,
// Version, Command) keep their Go names.
var optionFlags = map[string]string{
	"Target":             "--target",
	"Credentials":        "--key and --secret, or SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET",
	"Credentials.Secret": "--secret",
	"Basic":              "--auth",
	"Catalog":            "--catalog",
	"CatalogPath":        "--catalog",
	"Cases":              "--cases",
	"Seed":               "--seed",
	"Only":               "--only",
	"Skip":               "--skip",
	"Concurrency":        "--concurrency",
	"Rate":               "--rate",
	"Budget":             "--budget",
	"Timeout":            "--timeout",
	"Shard":              "--shard",
	"Shards":             "--shard",
	"MockMagic":          "--mock-magic",
	"AllowSideEffects":   "--allow-side-effects",
	"TestNumber":         "--test-number",
	"RequireCodes":       "--require-codes",
	"RequireAll":         "--require-codes",
	"Policy":             "--errata",
	"Drift":              "--drift",
	"Replay":             "--replay",
	"Baseline":           "--baseline",
	"UpdateBaseline":     "--update-baseline",
}

// flagText is err's message with the fields a *runner.ConfigError names
// written as flags: an Options field as optionFlags says, the reporter
// whose destination was refused as the flag that asked for it.
func flagText(err error, reporterFlags map[runner.Reporter]string) string {
	var ce *runner.ConfigError
	if !errors.As(err, &ce) {
		return err.Error()
	}
	text := ce.Text(func(field string) string {
		if field == "Reporters" && ce.Reporter != nil {
			return reporterFlags[ce.Reporter]
		}
		return optionFlags[field]
	})
	if err == error(ce) { //nolint:errorlint // identity, not a match: is err the ConfigError itself, unjoined?
		return text
	}
	// The ConfigError joined with a report's own failure.
	return strings.Replace(err.Error(), ce.Error(), text, 1)
}

// parseCodes reads a comma-separated list of documented codes for --flag.
func parseCodes(flag, s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 10000 || n > 99999 {
			return nil, usagef("--%s: %q is not a five-digit error code", flag, strings.TrimSpace(part))
		}
		out = append(out, n)
	}
	return out, nil
}

// parseShard reads --shard I/N; "" is no split.
func parseShard(s string) (i, n int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, usagef("--shard %q: want I/N with 1 <= I <= N, e.g. 2/4", s)
	}
	return i, n, nil
}
