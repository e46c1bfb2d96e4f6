#!/usr/bin/env bash
# The scan step of action.yml, kept as a script so the tests run exactly what the action runs.
#
# One scan writes everything: the chosen format to the log (annotations by default), the JSON report for later
# steps, the job summary ($GITHUB_STEP_SUMMARY) and the step outputs role, score and scores ($GITHUB_OUTPUT).
# Its errors are the CLI's: one line and exit 2 for bad input, exit 1 below the threshold or on a regression.
# Inputs arrive as environment variables (never spliced into the script): PC_PATHS, PC_ROLE, PC_TARGET,
# PC_FAIL_UNDER, PC_FORMAT, PC_BASELINE.
set -u
read -r -a paths <<< "$(printf '%s' "${PC_PATHS:-}" | tr '\n' ' ')"
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi
report="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/portfolio-check-report.json"
args=(scan --format "${PC_FORMAT:-github}" --output "json=$report")
if [ -n "${PC_ROLE:-}" ]; then args+=(--role "$PC_ROLE"); fi
if [ -n "${PC_TARGET:-}" ]; then args+=(--target "$PC_TARGET"); fi
if [ -n "${PC_FAIL_UNDER:-}" ]; then args+=(--fail-under "$PC_FAIL_UNDER"); fi
if [ -n "${PC_BASELINE:-}" ]; then args+=(--compare "$PC_BASELINE" --fail-on-regression); fi
rm -f -- "$report"  # never a stale report from an earlier step
status=0
portfolio-check "${args[@]}" -- "${paths[@]}" || status=$?
if [ -s "$report" ] && [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'report=%s\n' "$report" >> "$GITHUB_OUTPUT"
fi
exit "$status"
