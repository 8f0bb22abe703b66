#!/usr/bin/env bash
# Runs every fuzz target of ./fuzz, one at a time (-fuzz takes one target per
# package run), for FUZZTIME each: a duration (60s) or a count of
# executions (20000x).
#
# A duration can end in a spurious failure on Go 1.26: the fuzz coordinator
# races its own -fuzztime deadline and fails the target with a bare
# "context deadline exceeded", having found nothing (go.dev/issue/75804,
# fixed in Go 1.27). A real finding always prints "Failing input written to"
# and leaves a file under fuzz/testdata/fuzz/. So a failure with neither is
# replayed from the corpus (go test -run TARGET, deterministic) and, if the
# replay passes, counted as that race, said so, and not failed. Anything
# else fails the run.
#
# usage: scripts/fuzz.sh FUZZTIME [MINIMIZETIME]
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:?usage: scripts/fuzz.sh FUZZTIME [MINIMIZETIME]}
minimize=${2:-5s}
go=${GO:-go}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# An assignment, not the for loop's word list: set -e and pipefail do not
# reach a command substitution there, so a ./fuzz that did not compile
# listed no target and the run passed, having fuzzed nothing.
if ! targets=$($go test -list '^Fuzz' ./fuzz | grep '^Fuzz'); then
  echo "fuzz: could not list the fuzz targets of ./fuzz, or it has none (see above)" >&2
  exit 1
fi

races=0
for t in $targets; do
  echo "fuzz $t for $fuzztime"
  before=$(git status --porcelain --untracked-files=all -- fuzz/testdata/fuzz 2>/dev/null || true)
  if $go test -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" ./fuzz 2>&1 | tee "$out"; then
    continue
  fi
  after=$(git status --porcelain --untracked-files=all -- fuzz/testdata/fuzz 2>/dev/null || true)
  if grep -q 'Failing input written to' "$out" || [ "$before" != "$after" ] \
    || ! grep -q '^    context deadline exceeded$' "$out"; then
    echo "fuzz $t: FAILED (see above; a crasher is under fuzz/testdata/fuzz/$t/ if one was written)" >&2
    exit 1
  fi
  echo "fuzz $t: ended with a bare 'context deadline exceeded' and no crasher; replaying the corpus"
  if ! $go test -count=1 -run "^$t\$" ./fuzz; then
    echo "fuzz $t: the corpus replay failed" >&2
    exit 1
  fi
  echo "fuzz $t: counted as Go's fuzz coordinator race at the -fuzztime deadline (go.dev/issue/75804), not a finding"
  races=$((races + 1))
done
if [ "$races" -gt 0 ]; then
  echo "fuzz: $races target(s) hit go.dev/issue/75804 at the deadline; their fuzzing ran its full time and found nothing"
fi
