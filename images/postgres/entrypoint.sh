#!/bin/bash
# Creates the cluster on the first start (POSTGRES_USER owns POSTGRES_DB, password
# authentication from any address: the database is reachable only on the networks the
# compose or stack file gives it), then runs the server in the foreground as postgres.
set -euo pipefail
user=${POSTGRES_USER:-dojo}
db=${POSTGRES_DB:-dojo}
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then password=$(cat "$POSTGRES_PASSWORD_FILE"); else password=${POSTGRES_PASSWORD:-}; fi
[ -n "$password" ] || { echo "dojo-postgres: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2; exit 2; }
chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp) && printf '%s\n' "$password" >"$pwfile" && chown postgres "$pwfile"
  as_postgres initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 >/dev/null
  rm -f "$pwfile"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=" -w start >/dev/null
  PGPASSWORD=$password as_postgres psql -q -U "$user" -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$user\""
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "dojo-postgres: created database $db for $user"
fi
# setpriv, not su: the server itself becomes the container's first process and gets Docker's stop signal.
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" -c listen_addresses='*'
