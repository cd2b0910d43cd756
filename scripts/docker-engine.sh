#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine: reuse a running one, otherwise
# install Debian's docker.io (when we are root on Debian) and start dockerd.
# Idempotent: safe to run before every start and in CI.
set -euo pipefail

log() { printf '[docker-engine] %s\n' "$*"; }

engine_answers() { docker info >/dev/null 2>&1; }

if engine_answers; then
  log "Docker engine is running."
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing Debian's docker.io (about 20 s)…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null; }
  else
    log "No Docker engine found. Install Docker (https://docs.docker.com/engine/install/) and start it, then try again."
    exit 1
  fi
fi

if [ "$(id -u)" != 0 ]; then
  log "dockerd is installed but not running, and starting it needs root. Start it (e.g. 'sudo systemctl start docker') and try again."
  exit 1
fi

log_file=${DOJO_DOCKERD_LOG:-/var/log/dockerd.log}
log "Starting dockerd (log: $log_file)…"
# setsid: the daemon must outlive the shell (and the npm process) that started it.
setsid dockerd >"$log_file" 2>&1 < /dev/null &

for _ in $(seq 1 60); do
  if engine_answers; then
    log "Docker engine is ready."
    exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer within 30 s; last lines of $log_file:"
tail -n 20 "$log_file" >&2 || true
exit 1
