#!/usr/bin/env bash
# The PostgreSQL server the tests run against (the same suite as on SQLite): Debian's
# postgresql, started if it is not, with the password shared/db/testing/postgres.ts expects.
# Idempotent. Skipped with a note where PostgreSQL cannot be installed (not root, not Debian).
set -euo pipefail
log() { printf '[test-postgres] %s\n' "$*"; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing Debian's postgresql…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
  else
    log "PostgreSQL is not installed; set DOJO_TEST_POSTGRES_URL to a server the tests may create databases on."
    exit 0
  fi
fi
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  log "No PostgreSQL cluster found."
  exit 1
fi
# shellcheck disable=SC2086
pg_lsclusters --no-header | awk 'NR==1 {print $4}' | grep -q online || pg_ctlcluster $cluster start
su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'dojo'\"" >/dev/null
log "PostgreSQL is running (postgres:dojo@127.0.0.1:5432)."
