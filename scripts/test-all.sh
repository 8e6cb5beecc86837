#!/usr/bin/env bash
# Build, lint and test for `npm test`: the jest projects `unit` and `store` run in parallel
# workers, then `n8n` and `browser` one file at a time, because each file starts a real n8n.
# Every step runs even after a failure, so one run shows everything that is broken.
# The exit code is non-zero when any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

RESULTS_DIR="$(mktemp -d)"
trap 'rm -rf "$RESULTS_DIR"' EXIT
STEPS=()
FAILED_STEPS=0

run_step() {
  local name="$1"
  shift
  echo
  echo "=== $name: $*"
  if "$@"; then
    STEPS+=("$name: passed")
  else
    STEPS+=("$name: FAILED (exit code $?)")
    FAILED_STEPS=$((FAILED_STEPS + 1))
  fi
}

run_jest() {
  local name="$1"
  shift
  run_step "$name" npx jest --json --outputFile="$RESULTS_DIR/$name.json" "$@"
}

run_step build npm run build
run_step lint npm run lint
run_jest unit-and-store --selectProjects unit store
# Installing n8n into the cache (first run only, about 5 minutes) outside jest's timeouts.
run_step n8n-install npx tsx scripts/n8n/cli.ts install
run_jest n8n --selectProjects n8n --runInBand
run_jest browser --selectProjects browser --runInBand --passWithNoTests

echo
echo "=== Summary"
for step in "${STEPS[@]}"; do echo "  $step"; done

# One closing line with the test counts of every jest run.
node -e '
  const fs = require("fs");
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const file of fs.readdirSync(process.argv[1])) {
    const run = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
    totals.passed += run.numPassedTests;
    totals.failed += run.numFailedTests + run.numRuntimeErrorTestSuites;
    totals.skipped += run.numPendingTests + run.numTodoTests;
  }
  console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
' "$RESULTS_DIR"

[[ "$FAILED_STEPS" -eq 0 ]]
