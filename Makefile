# vcheck's build. `make test` is what CI runs (see .ci/run).
GO        ?= go
FUZZTIME  ?= 60s
SMOKETIME ?= 20000x
BENCHTIME ?= 1s
ACTIONLINT = github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
# The linters of .golangci.yml; go run builds it once per Go build cache.
GOLANGCI  = github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
# The same version as .github/workflows/release.yml's goreleaser-action.
GORELEASER = github.com/goreleaser/goreleaser/v2@v2.15.1

.PHONY: test prereqs fmt vet lint unit fuzz-smoke fuzz bench actionlint modcheck npm pip interop kit soak release-check

## test: formatting, vet, the linters of .golangci.yml, go.mod hygiene, unit tests with -race (the official Node and Python SDKs'
## interop tests included: npm and pip install their pinned packages first), a short run of each fuzz target, workflow lint;
## prereqs first, so a missing tool is named in the first second rather than minutes in
test: prereqs fmt vet lint modcheck npm pip unit fuzz-smoke actionlint

## prereqs: check the tools make test needs (Go 1.26, node, npm, python3 with venv and pip, shellcheck,
## and under CI=true chromium) and say how to install each one missing; .ci/run installs them on Debian
prereqs:
	@missing=0; \
	need() { printf 'make prereqs: missing %s\n    install: %s\n' "$$1" "$$2" >&2; missing=1; }; \
	found=$$($(GO) env GOVERSION 2>/dev/null); \
	v=$$(echo "$$found" | sed -n 's/^go\([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p'); \
	set -- $$v; \
	if [ -z "$$v" ] || [ "$$1" -lt 1 ] || { [ "$$1" -eq 1 ] && [ "$$2" -lt 26 ]; }; then \
		need "Go 1.26 or later (found: $${found:-no $(GO)})" "https://go.dev/dl/, or make GO=/path/to/go1.26/bin/go"; fi; \
	command -v node >/dev/null || need "node (the Node SDK interop and kit tests)" "apt-get install nodejs"; \
	command -v npm >/dev/null || need "npm (make npm installs the pinned Node SDK)" "apt-get install npm"; \
	if ! command -v $(PYTHON) >/dev/null; then need "$(PYTHON) (the Python SDK interop and kit tests)" "apt-get install python3 python3-venv"; \
	elif ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then \
		need "venv and pip for $(PYTHON) (make pip runs $(PYTHON) -m venv)" "apt-get install python3-venv"; fi; \
	command -v shellcheck >/dev/null || need "shellcheck (make actionlint)" "apt-get install shellcheck"; \
	if [ "$${CI:-}" = true ] && [ -z "$${VCHECK_CHROMIUM:-}" ]; then \
		command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		command -v google-chrome-stable >/dev/null || command -v google-chrome >/dev/null || \
		need "chromium (the HTML report's browser test fails without it under CI=true)" "apt-get install chromium, or VCHECK_CHROMIUM=/path/to/chrome"; fi; \
	if [ "$$missing" -ne 0 ]; then echo "make prereqs: install the above and run make test again (.ci/run installs them on a Debian image)" >&2; exit 1; fi

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## lint: golangci-lint with .golangci.yml (errcheck, staticcheck, unused and the rest it names)
lint:
	$(GO) run $(GOLANGCI) run ./...

# go install module@version refuses a go.mod with replace or exclude directives.
modcheck:
	@if grep -Eq '^[[:space:]]*(replace|exclude)([[:space:]]|\()' go.mod; then echo "go.mod must not use replace or exclude"; exit 1; fi

# VCHECK_INTEROP=1 runs the Node and Python SDK tests, which skip without it so
# that a plain `go test ./...` needs no node_modules or venv. Under -race the
# mutation gate runs one seed and one policy (runner/race_test.go) and the shard
# property draws small runs; the second line runs both whole (the gate: every
# mutant at four seeds under both policies) without the race detector, which
# would multiply their minutes and find nothing new (neither has concurrency
# of its own that the other runner tests do not take under -race);
# -parallel 8 lets the slow mutant's runs, which mostly wait out timeouts, overlap
# the others.
unit:
	VCHECK_INTEROP=1 $(GO) test -race -count=1 ./...
	$(GO) test -count=1 -parallel 8 -run '^(TestMutationGate|TestPlan_shardsPartitionTheRun)$$' ./runner

# One -fuzz run per target (scripts/fuzz.sh). The smoke run counts
# executions, not seconds, so it cannot meet Go 1.26's fuzz coordinator race
# at a -fuzztime deadline (go.dev/issue/75804, fixed in Go 1.27); the script
# tells that race from a finding for duration runs.
fuzz-smoke:
	GO=$(GO) scripts/fuzz.sh $(SMOKETIME) 500x

## fuzz: each fuzz target for FUZZTIME (default 60s)
fuzz:
	GO=$(GO) scripts/fuzz.sh $(FUZZTIME) 5s

## bench: every benchmark, 6 runs each (compare medians with benchstat)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 -benchtime $(BENCHTIME) ./...

# actionlint runs shellcheck on run: steps when shellcheck is on PATH and
# silently skips that pass otherwise, so its absence is an error here. The
# scripts get the same check.
actionlint:
	@command -v shellcheck >/dev/null || { echo "shellcheck is not installed (apt-get install shellcheck); .ci/run installs it"; exit 1; }
	$(GO) run $(ACTIONLINT) .github/workflows/*.yml
	shellcheck .ci/run scripts/*.sh

## release-check: validate .goreleaser.yaml with the pinned GoReleaser (not in test: its first,
## cold run builds GoReleaser's large dependency tree, which takes minutes)
release-check:
	$(GO) run $(GORELEASER) check

## npm: install the pinned Node SDK packages from the lock files
npm:
	npm ci --no-audit --no-fund --prefix interop/node
	npm ci --no-audit --no-fund --prefix interop/node-kit

## pip: install the pinned Python SDK and its dependencies (hash-checked) into build/python-venv
PYTHON ?= python3
VENV   ?= build/python-venv
pip:
	@test -x $(VENV)/bin/pip || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r interop/python/requirements.txt
	$(VENV)/bin/python -m pip check --disable-pip-version-check

## interop: the official Sinch Node and Python SDKs against the mock, and the SDK kit against their adapters
interop: npm pip
	VCHECK_INTEROP=1 $(GO) test -count=1 -run 'Interop|Kit_officialSDKs' ./mock ./cmd/vcheck

## kit: run the SDK error-handling kit against the official Node and Python SDKs and write their matrices
kit: npm pip
	$(GO) run ./cmd/vcheck kit run --known-failing interop/node-kit/known-failing.txt \
		--markdown kit-node.md --json kit-node.json --junit kit-node.xml -- node interop/node-kit/adapter.js
	$(GO) run ./cmd/vcheck kit run --known-failing interop/python-kit/known-failing.txt \
		--markdown kit-python.md --json kit-python.json --junit kit-python.xml -- $(VENV)/bin/python interop/python-kit/adapter.py
	$(GO) run ./cmd/vcheck kit report kit-node.json kit-python.json > kit-sdk-matrix.md

## soak: 30 s at 64 connections of mixed signed requests against the mock, on loopback
soak:
	$(GO) test -count=1 -run TestSoak ./mock -soak=30s -v
