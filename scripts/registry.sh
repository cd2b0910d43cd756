#!/usr/bin/env bash
# The platform's image registry: Debian's docker-registry (distribution 2.8), read-only,
# listening on a unix socket that `docker` sandboxes get mounted (they have no network).
# Its images are seeded by images/build.sh. Idempotent: reuses a running registry.
#
#   scripts/registry.sh            make sure the read-only registry runs
#   scripts/registry.sh seed-start start a writable one on 127.0.0.1:$DOJO_REGISTRY_SEED_PORT for seeding
#   scripts/registry.sh seed-stop  stop it again
#
# Where the internet is reachable, DOJO_REGISTRY_UPSTREAM=https://registry-1.docker.io
# turns the registry into a pull-through cache of Docker Hub as well (distribution's
# `proxy.remoteurl`), so a workshop of 50 does not hit Hub's rate limits.
set -euo pipefail

root=${DOJO_REGISTRY_ROOT:-/var/lib/dojo/registry}
socket_dir="$root/socket"
socket="$socket_dir/registry.sock"
seed_port=${DOJO_REGISTRY_SEED_PORT:-5001}

log() { printf '[registry] %s\n' "$*"; }

ensure_package() {
  command -v docker-registry >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing Debian's docker-registry…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-registry >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-registry >/dev/null; }
  else
    log "docker-registry is missing (Debian: apt-get install docker-registry)."
    exit 1
  fi
}

# write_config FILE LISTEN-BLOCK READONLY(true|false)
write_config() {
  local proxy=""
  if [ -n "${DOJO_REGISTRY_UPSTREAM:-}" ] && [ "$3" = true ]; then
    proxy=$'proxy:\n  remoteurl: '"$DOJO_REGISTRY_UPSTREAM"
  fi
  cat >"$1" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $root/data
  delete:
    enabled: false
  maintenance:
    uploadpurging:
      enabled: false
    readonly:
      enabled: $3
http:
$2
$proxy
EOF
}

answers_on_socket() { curl -sf --unix-socket "$socket" http://registry/v2/ >/dev/null 2>&1; }

start_readonly() {
  ensure_package
  if answers_on_socket; then
    log "Registry is running (read-only, $socket)."
    return
  fi
  mkdir -p "$socket_dir" "$root/data"
  # Sandboxes get this folder mounted read-only. Their root may remount it writable, but it
  # is an ordinary uid on the host (user namespaces), so a folder owned by the host's root
  # stays out of its reach: nobody can replace the socket under the others.
  chown root:root "$socket_dir" && chmod 0755 "$socket_dir"
  rm -f "$socket"
  write_config "$root/readonly.yml" $'  net: unix\n  addr: '"$socket" true
  setsid docker-registry serve "$root/readonly.yml" >"$root/readonly.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do
    if answers_on_socket; then
      # Sandboxes' root is an unprivileged uid on the host; let any of them connect.
      chmod 0666 "$socket"
      log "Registry started (read-only, $socket)."
      return
    fi
    sleep 0.1
  done
  log "The registry did not start; see $root/readonly.log:"
  tail -n 20 "$root/readonly.log" >&2
  exit 1
}

seed_start() {
  ensure_package
  mkdir -p "$root/data"
  write_config "$root/seed.yml" "  addr: 127.0.0.1:$seed_port" false
  setsid docker-registry serve "$root/seed.yml" >"$root/seed.log" 2>&1 </dev/null &
  echo $! >"$root/seed.pid"
  for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$seed_port/v2/" >/dev/null 2>&1 && return
    sleep 0.1
  done
  log "The seeding registry did not start; see $root/seed.log"
  exit 1
}

seed_stop() {
  [ -f "$root/seed.pid" ] && kill "$(cat "$root/seed.pid")" 2>/dev/null || true
  rm -f "$root/seed.pid"
}

case "${1:-start}" in
  start) start_readonly ;;
  seed-start) seed_start ;;
  seed-stop) seed_stop ;;
  *) echo "usage: $0 [start|seed-start|seed-stop]" >&2; exit 2 ;;
esac
