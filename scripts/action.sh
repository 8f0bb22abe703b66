#!/usr/bin/env bash
# The shell of the vcheck GitHub Action (action.yml at the repository root):
# every step of the composite action calls one subcommand of this script,
# with the action's inputs in INPUT_* variables set by the step's env:, so
# that no input is ever interpolated into a script.
#
# usage: scripts/action.sh prepare|build|run|summary|finish
#
# With INPUT_MERGE (a directory of shard reports) run runs vcheck merge
# over them instead of vcheck run; the other subcommands are the same.
#
#   prepare  the Go version to install (INPUT_GO_VERSION, or the go
#            directive of the action's own go.mod as MAJOR.MINOR, so the
#            newest patch release) and a cache key and directory for the
#            build's module and build caches
#   build    go build ./cmd/vcheck from the action's own checkout
#            ($GITHUB_ACTION_PATH: the ref the workflow named in uses:)
#   run      masks the Basic credentials, runs vcheck with the inputs as
#            flags, and records exit-code, verdict, reason and the report
#            paths; it succeeds whatever vcheck's code, so that the summary
#            and the upload run as for a pass; it also writes the code to
#            vcheck.exit-code in the report directory, so that a merge
#            knows what a shard that wrote no report came to
#   summary  appends the Markdown report to $GITHUB_STEP_SUMMARY, capped
#   finish   exits with vcheck's code, so the job fails on any code but 0
#
# vcheck's exit codes: 0 pass, 1 broken, 2 config, 3 unreachable or
# unjudged (README, "Reports and exit codes"). Anything else is vcheck not
# finishing its own way ("crashed"): vcheck runs with GOTRACEBACK=crash, so
# a panic dies of SIGABRT (134) instead of exiting 2, which reads as
# configuration.
set -euo pipefail

# summaryCap keeps the step summary well under GitHub's 1 MiB, above which
# it is dropped silently; the same cap as the repository's own workflows.
summaryCap=900000

out() { printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; }

die() {
  echo "::error title=vcheck action::$1"
  exit 1
}

# verdictOf says what an exit code means in vcheck's words, for a run that
# wrote no JSON summary (3 cannot tell unreachable from unjudged: the JSON
# can).
verdictOf() {
  case "$1" in
    0) echo pass ;;
    1) echo broken ;;
    2) echo config ;;
    3) echo unreachable ;;
    *) echo crashed ;;
  esac
}

# rank orders the codes of shards that wrote no report, most telling
# first: a crash (none of vcheck's codes), an outage, drift.
rank() {
  case "$1" in
    0 | 2) echo 9 ;;
    3) echo 2 ;;
    1) echo 3 ;;
    *) echo 1 ;;
  esac
}

# agrees says whether a JSON verdict is the one exit code $2 states.
agrees() {
  case "$2:$1" in
    0:pass | 1:broken | 2:config | 3:unreachable | 3:unjudged) return 0 ;;
    *) return 1 ;;
  esac
}

prepare() {
  local version=${INPUT_GO_VERSION:-} dir
  if [ -z "$version" ]; then
    version=$(sed -n 's/^go \([0-9]*\.[0-9]*\).*/\1/p' "$GITHUB_ACTION_PATH/go.mod")
    [ -n "$version" ] || die "no go directive in $GITHUB_ACTION_PATH/go.mod: set go-version"
  fi
  # hashFiles and setup-go's own cache see only the workspace, not the
  # action's checkout: the key is made here, from the action's go.sum.
  local sum
  if command -v sha256sum >/dev/null; then
    sum=$(sha256sum "$GITHUB_ACTION_PATH/go.sum" | cut -c1-16)
  else
    sum=$(shasum -a 256 "$GITHUB_ACTION_PATH/go.sum" | cut -c1-16)
  fi
  dir="$RUNNER_TEMP/vcheck-action"
  out go-version "$version"
  out cache-key "vcheck-action-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-go$version-$sum"
  out cache-dir "$dir/cache"
}

build() {
  [ -n "${CACHE_DIR:-}" ] || die "build: CACHE_DIR is not set (the prepare step did not run)"
  local bin="$RUNNER_TEMP/vcheck-action/bin/vcheck"
  mkdir -p "$(dirname "$bin")"
  # Caches of the action's own, so that the user's Go caches and GOFLAGS
  # (say -mod=vendor for their module) neither help nor break this build.
  (cd "$GITHUB_ACTION_PATH" &&
    GOMODCACHE="$CACHE_DIR/mod" GOCACHE="$CACHE_DIR/build" GOFLAGS='' \
      go build -trimpath -o "$bin" ./cmd/vcheck)
  out bin "$bin"
}

# mask registers the credentials with the runner before vcheck prints a
# line. GitHub masks each secret, but not base64(key:secret), the value of a
# Basic header. The value is an assignment first: inside echo's argument a
# failing base64 would go unseen and mask nothing.
mask() {
  local basic
  if [ -n "$key" ] && [ -n "$secret" ]; then
    # tr, not base64 -w0: macOS's base64 has no -w.
    basic=$(printf '%s:%s' "$key" "$secret" | base64 | tr -d '\n')
    [ -n "$basic" ] || die "could not compute the Basic credentials to mask them"
    echo "::add-mask::$basic"
  fi
  # A secret passed from something other than secrets.* is masked too.
  if [ -n "$secret" ]; then
    echo "::add-mask::$secret"
  fi
}

# record writes what the run came to: the code, the verdict (the JSON
# summary's when it agrees with the code), the reason, and each report
# path that holds a file.
record() {
  local code=$1 reason=$2 verdict="" v=""
  if [ -f "$json" ] && command -v jq >/dev/null; then
    v=$(jq -r '.summary.verdict // empty' "$json" 2>/dev/null || true)
    if [ -n "$v" ] && agrees "$v" "$code"; then
      verdict=$v
      reason=$(jq -r '.summary.reason // empty' "$json" 2>/dev/null || true)
    elif [ -n "$v" ]; then
      echo "::warning title=vcheck action::the JSON report says '$v' but vcheck exited $code: the verdict output follows the exit code"
    fi
  fi
  if [ -z "$code" ]; then
    verdict=incomplete
  fi
  [ -n "$verdict" ] || verdict=$(verdictOf "$code")
  # One line each: a newline in a value would add output lines of its own.
  reason=${reason//$'\n'/ }
  reason=${reason//$'\r'/ }
  out exit-code "$code"
  out verdict "$verdict"
  out reason "$reason"
  out report-dir "$dir"
  if [ -n "$code" ]; then printf '%s\n' "$code" >"$dir/vcheck.exit-code"; fi
  out artifact-name "$artifact"
  local name path
  for name in json junit markdown html; do
    case $name in
      json) path=$json ;;
      junit) path=$junit ;;
      markdown) path=$markdown ;;
      html) path=$html ;;
    esac
    if [ -n "$path" ] && [ -f "$path" ]; then out "$name" "$path"; else out "$name" ""; fi
  done
}

runVcheck() {
  key=${INPUT_KEY:-${SINCH_APPLICATION_KEY:-}}
  secret=${INPUT_SECRET:-${SINCH_APPLICATION_SECRET:-}}
  mask

  dir=${INPUT_REPORT_DIR:-vcheck-reports}
  json="$dir/vcheck.json" junit="$dir/vcheck.xml" markdown="$dir/vcheck.md" html=""
  case "${INPUT_HTML:-false}" in
    true) html="$dir/vcheck.html" ;;
    false) ;;
    *) die "html must be true or false, not '${INPUT_HTML}'" ;;
  esac
  artifact=${INPUT_ARTIFACT_NAME:-}
  if [ -z "$artifact" ]; then
    # Artifact names are unique in a run: each shard of a matrix gets its own.
    artifact=vcheck-reports
    if [ -n "${INPUT_SHARD:-}" ]; then artifact="$artifact-shard-${INPUT_SHARD//\//-of-}"; fi
  fi
  mkdir -p "$dir"
  # A report left by an earlier run in the same directory must not be
  # read as this run's.
  rm -f "$json" "$junit" "$markdown" "$dir/vcheck.html" "$dir/vcheck.exit-code"

  if [ -n "${INPUT_MERGE:-}" ]; then
    mergeReports
    return 0
  fi
  if [ -z "${INPUT_TARGET:-}" ]; then
    # Without --target vcheck tests its embedded mock: a green run that
    # says nothing about the API. That is a configuration error here.
    echo "::error title=vcheck action::the target input is empty: set it to the API's base URL"
    record 2 "the action's target input is empty"
    return 0
  fi
  [ -n "${VCHECK_BIN:-}" ] || die "run: VCHECK_BIN is not set (the build step did not run)"

  local args=(run --target "$INPUT_TARGET" --json "$json" --junit "$junit" --markdown "$markdown")
  [ -z "$html" ] || args+=(--html "$html")
  [ -z "${INPUT_BUDGET:-}" ] || args+=(--budget "$INPUT_BUDGET")
  [ -z "${INPUT_RATE:-}" ] || args+=(--rate "$INPUT_RATE")
  [ -z "${INPUT_CASES:-}" ] || args+=(--cases "$INPUT_CASES")
  [ -z "${INPUT_SEED:-}" ] || args+=(--seed "$INPUT_SEED")
  [ -z "${INPUT_ERRATA:-}" ] || args+=(--errata "$INPUT_ERRATA")
  [ -z "${INPUT_REQUIRE_CODES:-}" ] || args+=(--require-codes "$INPUT_REQUIRE_CODES")
  [ -z "${INPUT_BASELINE:-}" ] || args+=(--baseline "$INPUT_BASELINE")
  [ -z "${INPUT_SHARD:-}" ] || args+=(--shard "$INPUT_SHARD")
  if [ -n "${INPUT_ARGS:-}" ]; then
    # Split on white space only: read does no globbing and no expansion.
    local extra
    read -ra extra <<<"$INPUT_ARGS"
    args+=("${extra[@]}")
  fi

  local code=0
  # The credentials reach vcheck in its environment, never as flags (flags
  # show in ps and in reproduction lines).
  SINCH_APPLICATION_KEY=$key SINCH_APPLICATION_SECRET=$secret GOTRACEBACK=crash \
    "$VCHECK_BIN" "${args[@]}" || code=$?
  record "$code" ""
}

# mergeReports runs vcheck merge over every *.json under $INPUT_MERGE (each
# shard's artifact in a directory of its own, as download-artifact puts
# them without merge-multiple) and records what the run of the shards came
# to. vcheck merge refuses a missing shard with 2, which would read as
# configuration; the shards' vcheck.exit-code files say why one is
# missing: a shard that recorded a code but wrote no JSON report ended with
# that code (a crash, an outage), and a shard that left neither did not
# finish (its build failed, its runner was lost): no code, "incomplete".
mergeReports() {
  local src=${INPUT_MERGE%/}
  if [ ! -d "$src" ]; then
    echo "::error title=vcheck action::the merge input '$src' is not a directory of shard reports"
    record 2 "the merge input is not a directory: $src"
    return 0
  fi
  [ -n "${VCHECK_BIN:-}" ] || die "run: VCHECK_BIN is not set (the build step did not run)"
  local reports=() codes=() f
  while IFS= read -r f; do
    # The merge's own report, should report-dir be inside the directory.
    [ "$f" -ef "$json" ] || reports+=("$f")
  done < <(find "$src" -type f -name '*.json' | LC_ALL=C sort)
  while IFS= read -r f; do
    [ "$f" -ef "$dir/vcheck.exit-code" ] || codes+=("$f")
  done < <(find "$src" -type f -name vcheck.exit-code | LC_ALL=C sort)

  local args=(merge ${reports[@]+"${reports[@]}"} --json "$json" --junit "$junit" --markdown "$markdown")
  [ -z "$html" ] || args+=(--html "$html")
  local code=0
  GOTRACEBACK=crash "$VCHECK_BIN" "${args[@]}" || code=$?
  if [ "$code" != 2 ]; then
    record "$code" ""
    return 0
  fi

  # Refused: is a shard missing because it crashed or did not finish?
  local best="" bestRank=9 why="" c d r noReport=0
  for f in ${codes[@]+"${codes[@]}"}; do
    d=$(dirname "$f")
    if compgen -G "$d/*.json" >/dev/null; then continue; fi
    noReport=$((noReport + 1))
    c=$(head -c 8 "$f" | tr -d '\r\n')
    [[ "$c" =~ ^[0-9]{1,3}$ ]] || c=255
    r=$(rank "$c")
    if [ "$r" -lt "$bestRank" ]; then
      best=$c bestRank=$r why="${d#"$src"/}"
    fi
  done
  if [ -n "$best" ]; then
    record "$best" "the shard in $why exited $best and wrote no report ($(verdictOf "$best")): the merge has no report of it"
    return 0
  fi
  local want="" shard
  if [ "${#reports[@]}" -gt 0 ] && command -v jq >/dev/null; then
    shard=$(jq -r '.summary.shard // empty' "${reports[0]}" 2>/dev/null || true)
    [[ "$shard" =~ ^[0-9]+/([0-9]+)$ ]] && want=${BASH_REMATCH[1]}
  fi
  local left=$((${#reports[@]} + noReport)) missing=0
  if [ "$left" -eq 0 ]; then
    missing=${want:-every}
  elif [ -n "$want" ] && [ "$left" -lt "$want" ]; then
    missing=$((want - left))
  fi
  if [ "$missing" != 0 ]; then
    local which="$missing shard(s)"
    [ "$missing" != every ] || which="no shard left a report or an exit code, so every shard"
    echo "::error title=vcheck action::$which left neither a report nor an exit code under $src"
    record "" "$which left neither a report nor an exit code: a setup or build step failed, the runner was lost, or the job ran out of time"
    return 0
  fi
  record 2 ""
}

summary() {
  case "${INPUT_JOB_SUMMARY:-true}" in
    true) ;;
    false) return 0 ;;
    *) die "job-summary must be true or false, not '${INPUT_JOB_SUMMARY}'" ;;
  esac
  if [ -n "${MARKDOWN:-}" ] && [ -f "$MARKDOWN" ]; then
    head -c "$summaryCap" "$MARKDOWN" >>"$GITHUB_STEP_SUMMARY"
    if [ "$(wc -c <"$MARKDOWN")" -gt "$summaryCap" ]; then
      printf '\n\n_The report is cut at %s bytes here: the full report is in the uploaded artifact._\n' "$summaryCap" >>"$GITHUB_STEP_SUMMARY"
    fi
    return 0
  fi
  if [ -z "${CODE:-}" ] && [ "${VERDICT:-}" = incomplete ]; then
    printf '## vcheck: incomplete\n\n%s\n' "${REASON:-}" >>"$GITHUB_STEP_SUMMARY"
  elif [ -n "${CODE:-}" ]; then
    printf '## vcheck: %s (exit %s)\n\nvcheck wrote no Markdown report. %s\n' "${VERDICT:-}" "$CODE" "${REASON:-}" >>"$GITHUB_STEP_SUMMARY"
  else
    printf '## vcheck did not run\n\nA step before vcheck failed (the Go setup or the build): see the log.\n' >>"$GITHUB_STEP_SUMMARY"
  fi
}

finish() {
  local code=${CODE:-}
  if [ -z "$code" ] && [ "${VERDICT:-}" = incomplete ]; then
    die "the merge is incomplete: ${REASON:-a shard did not finish}"
  fi
  if [ -z "$code" ]; then
    die "vcheck did not run: a step before it failed (the Go setup or the build)"
  fi
  if ! [[ "$code" =~ ^[0-9]{1,3}$ ]]; then
    die "the recorded exit code is not a number"
  fi
  if [ "$code" = 0 ]; then
    echo "vcheck: ${VERDICT:-pass}: ${REASON:-every check passed}"
    exit 0
  fi
  echo "::error title=vcheck exited $code (${VERDICT:-unknown})::${REASON:-no reason was recorded}"
  exit "$code"
}

if [ "$#" -ne 1 ]; then
  echo "usage: scripts/action.sh prepare|build|run|summary|finish" >&2
  exit 2
fi
case "$1" in
  prepare) prepare ;;
  build) build ;;
  run) runVcheck ;;
  summary) summary ;;
  finish) finish ;;
  *)
    echo "usage: scripts/action.sh prepare|build|run|summary|finish" >&2
    exit 2
    ;;
esac
