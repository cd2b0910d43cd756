#!/usr/bin/env bash
# `npm start`: everything the platform needs, then web + sandbox-service.
#   npm start          production build (rebuilt only when sources changed), on embedded defaults
#   npm run dev        the same with `next dev` (hot reload)
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

mode=production
[ "${1:-}" = "--dev" ] && mode=development

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if [ ! -d node_modules ]; then
  step "Installing npm packages"
  npm ci
fi

step "Docker engine"
bash scripts/docker-engine.sh

step "Sandbox images"
bash images/build.sh

step "Image registry"
bash scripts/registry.sh

step "Database"
npm run --silent db:migrate

if [ "$mode" = production ]; then
  stale=yes
  if [ -f .next/BUILD_ID ]; then
    stale=$(find app components lib shared lessons prisma next.config.ts package-lock.json tsconfig.json -newer .next/BUILD_ID -print -quit 2>/dev/null)
  fi
  if [ -n "$stale" ]; then
    step "Building the web app"
    npx next build
  fi
fi

step "Starting the platform"
# node itself (not npx tsx, whose wrapper would stand between a signal and the supervisor).
exec node --import tsx scripts/platform.ts "$mode"
