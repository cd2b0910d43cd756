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

if [ "$mode" = production ]; then bash scripts/build-web.sh; fi

step "Starting the platform"
# node itself (not npx tsx, whose wrapper would stand between a signal and the supervisor).
exec node --import tsx scripts/platform.ts "$mode"
