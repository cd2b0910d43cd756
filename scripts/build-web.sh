#!/usr/bin/env bash
# Builds the web app (.next) unless the build is newer than every source it is made from:
# `npm start` runs it, and so does the compose test (docker-compose.yml serves the
# checkout's .next).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
stale=yes
if [ -f .next/BUILD_ID ]; then
  stale=$(find app components lib shared lessons prisma next.config.ts package-lock.json tsconfig.json -newer .next/BUILD_ID -print -quit 2>/dev/null)
fi
if [ -n "$stale" ]; then
  printf '\n\033[1m==> %s\033[0m\n' "Building the web app"
  npx next build
fi
