#!/usr/bin/env bash
# `npm run up`: installs what is missing, builds, and runs the whole stack on loopback until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npm run --silent build
exec node dist/scripts/stack.js "$@"
