#!/usr/bin/env bash
# `npm test`: installs what is missing, type-checks, lints, and runs every test project (unit, int, e2e).
# The tests start the PostgreSQL, Redis and rtpengine they need themselves (test/support/global-setup.ts).
# Ends with the plain summary line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1
mkdir -p .data
results=.data/test-results.json
rm -f "$results"
# A failed type check or lint counts as one failed test each in the summary line.
checks_failed=0
if ! npm run --silent typecheck; then
  echo "typecheck failed" >&2
  checks_failed=$((checks_failed + 1))
fi
if ! npm run --silent lint; then
  echo "lint failed" >&2
  checks_failed=$((checks_failed + 1))
fi
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
status=$?
node scripts/test-summary.mjs "$results" "$checks_failed"
summary_status=$?
[ "$status" -ne 0 ] && exit "$status"
exit "$summary_status"
