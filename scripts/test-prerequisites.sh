#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the tests use a real Docker engine, the real
# sandbox images and Debian's Chromium. Each step is a no-op when already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/docker-engine.sh
bash images/build.sh
bash scripts/registry.sh
bash scripts/test-postgres.sh

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[test-prerequisites] installing Debian's chromium for the browser tests…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
  else
    echo "[test-prerequisites] the browser tests need Chromium at $chromium (Debian: apt-get install chromium), or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
