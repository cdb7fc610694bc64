#!/usr/bin/env bash
# Installs what npm cannot: the Debian packages the stack and the tests run (PostgreSQL, Redis,
# rtpengine, sipp, baresip), then node_modules when the lockfile changed. Shared by `npm run up` and `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || packages+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || packages+=(redis-server)
command -v rtpengine >/dev/null 2>&1 || [ -x /usr/bin/rtpengine ] || packages+=(rtpengine-daemon)
command -v sipp >/dev/null 2>&1 || [ -x /usr/bin/sipp ] || packages+=(sip-tester)
# A real SRTP softphone for the media tests (headless: the core package, no GTK).
command -v baresip >/dev/null 2>&1 || [ -x /usr/bin/baresip ] || packages+=(baresip-core)

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages. Run this once, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing ${packages[*]}"
  # The packages' postinst scripts would start system-wide daemons (PostgreSQL on 5432, Redis on
  # 6379, rtpengine on 30000-40000) that the project does not use; a policy-rc.d that denies
  # service starts keeps them down while we install (the project runs its own instances).
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
  fi
  trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  [ "$created_policy" = 1 ] && rm -f "$policy"
  trap - EXIT
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
