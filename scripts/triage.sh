#!/usr/bin/env bash
# Says what a `vcheck run` in CI came to, from its exit code and the status
# of the job that ran it, so that the nightly's issue and the release gate's
# failure name the right cause: a sandbox outage or missing secrets must not
# read as contract drift.
#
# usage: scripts/triage.sh EXIT_CODE JOB_STATUS
#
# EXIT_CODE is what the vcheck step recorded ("" when it recorded none: the
# job ended before vcheck did). JOB_STATUS is the job's status or, from
# another job, needs.<job>.result: success, failure, cancelled or skipped.
#
# It prints, one per line, and also appends to $GITHUB_OUTPUT when that is
# set:
#   verdict=pass|drift|configuration|unreachable|crashed|incomplete|cancelled
#   issue=close|update|none   what to do with the open nightly issue
#   label=...                 the outcome's label ("" when issue is not update)
#   title=...                 the issue's title
#   meaning=...               one sentence for a person
#
# The exit codes are vcheck's (cmd/vcheck): 0 every check passed; 1 the
# target broke the documented contract; 2 usage or configuration, including
# credentials the target refused and missing secrets; 3 the target could not
# be reached, timed out or could not be judged. Anything else (130 interrupt,
# 137 kill, a shell failure) is vcheck not finishing its own way: "crashed".
# A Go panic exits 2, which would read as configuration: the workflows run
# vcheck with GOTRACEBACK=crash, under which a panic dies of SIGABRT (134).
#
# A cancelled job is "cancelled", whatever code it recorded: a cancellation
# interrupts vcheck, which then exits with whatever the interrupted run came
# to, so its code is no verdict. Nobody is told: the issue is neither closed
# (nothing was shown to pass) nor updated (nothing failed), and the next
# scheduled run judges again. A job that ended without any code and was not
# cancelled (a setup or build step failed, the runner was lost, the job ran
# out of time) is "incomplete": a nightly that never reaches a verdict must
# not go unnoticed, so it updates the issue, under its own label.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: scripts/triage.sh EXIT_CODE JOB_STATUS" >&2
  exit 2
fi
code=$1
status=$2

issue=update
label=
case "$status" in
  cancelled | skipped)
    verdict=cancelled issue=none
    meaning="the run was cancelled before vcheck gave a verdict, so nothing is known about the sandbox"
    ;;
  *)
    case "$code" in
      "")
        verdict=incomplete label=vcheck:run-incomplete
        meaning="the job ended without vcheck's exit code: a setup or build step failed, the runner was lost, or the job ran out of time"
        ;;
      0)
        verdict=pass issue=close
        meaning="every check passed"
        ;;
      1)
        verdict=drift label=vcheck:contract-drift
        meaning="the target broke the documented error contract (exit 1): a confirmed finding, or a required code not exercised"
        ;;
      2)
        verdict=configuration label=vcheck:configuration
        meaning="usage or configuration error (exit 2): missing secrets, credentials the target refused, or a bad flag"
        ;;
      3)
        verdict=unreachable label=vcheck:sandbox-unreachable
        meaning="the target could not be reached, timed out or could not be judged (exit 3): not a contract finding"
        ;;
      *)
        verdict=crashed label=vcheck:crashed
        # Only digits reach the title and GITHUB_OUTPUT: a value with a
        # newline would add output lines of its own.
        if [[ "$code" =~ ^[0-9]{1,3}$ ]]; then
          meaning="vcheck ended with exit $code, none of its own codes (a signal, a kill or a shell failure)"
        else
          meaning="the recorded exit code is not a number"
        fi
        ;;
    esac
    ;;
esac

case "$verdict" in
  cancelled) title="vcheck nightly: run cancelled" ;;
  pass) title="vcheck nightly: green" ;;
  *) title="vcheck nightly: $label" ;;
esac

out() {
  printf 'verdict=%s\nissue=%s\nlabel=%s\ntitle=%s\nmeaning=%s\n' "$verdict" "$issue" "$label" "$title" "$meaning"
}
out
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  out >>"$GITHUB_OUTPUT"
fi
