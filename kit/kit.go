// Package kit is vcheck's SDK error-handling kit: the scenarios of
// fixtures/sdkkit.json, the runner that drives an SDK adapter through the
// chaos proxy (one session per scenario), the judge that turns an
// adapter's observation and the proxy's record into a cell (Judge), and
// the reports (JSON, JUnit, Markdown, and a matrix across SDKs).
//
// It imports proxy (the sessions), contracts and fixtures; never mock:
// whoever runs the kit starts the upstream (cmd/vcheck starts the embedded
// mock) and passes its URL. It does not import conformance either: the
// kit's judge is its own, so the kit builds neither the generators nor
// libopenapi.
package kit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vcheck/vcheck/fixtures"
	"github.com/vcheck/vcheck/proxy"
)

// Level is how much a scenario's failure weighs.
type Level string

// The levels of a scenario.
const (
	LevelMust   Level = "must"   // a failure fails the run
	LevelShould Level = "should" // a failure is reported, the run still passes
	LevelInfo   Level = "info"   // describes behaviour, never fails
)

// Group is a scenario group: the first part of a scenario's id.
type Group string

// The scenario groups.
const (
	GroupSurface Group = "surface" // a documented error reaches the caller with its errorCode and message
	GroupRetry   Group = "retry"   // 429 and 5xx retried with backoff, a 4xx never, a lost start never twice
	GroupTime    Group = "time"    // a hung, slow or stalled answer: a timeout, never a hang
	GroupBody    Group = "body"    // an answer that is no Sinch error body: HTML, text, empty, truncated, reset, huge
	GroupAuth    Group = "auth"    // where the credentials go: no Authorization to another host, no loop on a 401
)

// Groups returns the scenario groups in report order. The slice is the
// caller's: changing it changes nothing in the kit.
func Groups() []Group {
	return []Group{GroupSurface, GroupRetry, GroupTime, GroupBody, GroupAuth}
}

// Scenario is one kit scenario.
type Scenario struct {
	ID        string            `json:"id"`
	Group     Group             `json:"group"`
	Level     Level             `json:"level"`
	Why       string            `json:"why"`
	Operation string            `json:"operation"`
	Input     map[string]string `json:"input"`
	Rules     []string          `json:"rules"`
	Expect    Expect            `json:"expect"`

	rules []proxy.Rule
}

// ProxyRules returns the scenario's rules, parsed.
func (s Scenario) ProxyRules() []proxy.Rule { return s.rules }

// Kit is the loaded kit.
type Kit struct {
	Schema     int               `json:"schema"`
	About      string            `json:"about"`
	Operations map[string]string `json:"operations"`
	Scenarios  []Scenario        `json:"scenarios"`
}

// results is every result an expectation may name.
var results = []Outcome{OutcomeSuccess, OutcomeAPIError, OutcomeTimeout, OutcomeTransportError, OutcomeParseError}

// Load reads the embedded kit.
func Load() (*Kit, error) { return Parse(fixtures.SDKKit()) }

// Parse reads and checks a kit; an error names the scenario and the field.
func Parse(data []byte) (*Kit, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var k Kit
	if err := dec.Decode(&k); err != nil {
		return nil, fmt.Errorf("sdk kit: %w", err)
	}
	if k.Schema != 1 {
		return nil, fmt.Errorf("sdk kit: schema %d: this vcheck reads 1", k.Schema)
	}
	seen := map[string]bool{}
	for i := range k.Scenarios {
		s := &k.Scenarios[i]
		bad := func(field, format string, args ...any) error {
			return fmt.Errorf("sdk kit: scenario %d (%s): %s: %s", i, s.ID, field, fmt.Sprintf(format, args...))
		}
		switch {
		case s.ID == "" || seen[s.ID]:
			return nil, bad("id", "empty or repeated")
		case !strings.HasPrefix(s.ID, string(s.Group)+"."):
			return nil, bad("id", "want %s.NAME", s.Group)
		case !slices.Contains(Groups(), s.Group):
			return nil, bad("group", "%q: want one of %s", s.Group, join(Groups(), ", "))
		case !slices.Contains([]Level{LevelMust, LevelShould, LevelInfo}, s.Level):
			return nil, bad("level", "%q: want must, should or info", s.Level)
		case s.Why == "" || strings.Contains(s.Why, "\n"):
			return nil, bad("why", "want one line")
		case k.Operations[s.Operation] == "":
			return nil, bad("operation", "%q is not in operations", s.Operation)
		case len(s.Expect.Result) == 0:
			return nil, bad("expect.result", "empty")
		}
		seen[s.ID] = true
		for _, r := range s.Expect.Result {
			if !slices.Contains(results, r) {
				return nil, bad("expect.result", "%q: want one of %s", r, join(results, ", "))
			}
		}
		for j, text := range s.Rules {
			r, err := proxy.ParseRule(text)
			if err != nil {
				return nil, bad(fmt.Sprintf("rules[%d]", j), "%v", err)
			}
			if r.P > 0 {
				return nil, bad(fmt.Sprintf("rules[%d]", j), "p= draws make a run irreproducible: scenarios use counts only")
			}
			s.rules = append(s.rules, r)
		}
	}
	return &k, nil
}

// Scenario returns the scenario with the given id.
func (k *Kit) Scenario(id string) (Scenario, bool) {
	for _, s := range k.Scenarios {
		if s.ID == id {
			return s, true
		}
	}
	return Scenario{}, false
}

// ProxyScenarios maps each scenario id to its rules, for proxy.Config.
func (k *Kit) ProxyScenarios() map[string][]proxy.Rule {
	m := make(map[string][]proxy.Rule, len(k.Scenarios))
	for _, s := range k.Scenarios {
		m[s.ID] = s.rules
	}
	return m
}

// Select returns the scenarios named by ids (all when ids is empty); an
// unknown id is an error that names it.
func (k *Kit) Select(ids []string) ([]Scenario, error) {
	if len(ids) == 0 {
		return k.Scenarios, nil
	}
	var out []Scenario
	for _, id := range ids {
		matched := false
		for _, s := range k.Scenarios {
			if s.ID == id || strings.HasSuffix(id, "*") && strings.HasPrefix(s.ID, strings.TrimSuffix(id, "*")) || id == string(s.Group) {
				if !slices.ContainsFunc(out, func(o Scenario) bool { return o.ID == s.ID }) {
					out = append(out, s)
				}
				matched = true
			}
		}
		if !matched {
			return nil, fmt.Errorf("unknown scenario %q (vcheck kit list)", id)
		}
	}
	return out, nil
}
