#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine: reuse a running one, otherwise
# install Debian's docker.io (when we are root on Debian) and start dockerd.
# Idempotent: safe to run before every start and in CI.
#
# When this script starts dockerd itself, Docker's data lives on a btrfs filesystem in a
# sparse file (DOJO_DOCKER_DISK_GB, default 32) with simple quotas on: the btrfs storage
# driver can then cap each sandbox's disk (SANDBOX_DISK_MB), which overlay2 on ext4
# cannot, and all of Docker together can never fill the host's disk. Simple quotas need
# Linux 6.7+; without them dockerd starts with its defaults. DOJO_DOCKER_BTRFS=0 opts out.
# An engine that is already running is used as it is, with a warning when it lacks
# user-namespace remapping or live-restore (the two options this script would give it).
set -euo pipefail

log() { printf '[docker-engine] %s\n' "$*"; }

engine_answers() { docker info >/dev/null 2>&1; }

# Every sandbox's root is the same host uid under --userns-remap (dockremap, 100000), and
# runc gives each container a session keyring owned by it: the kernel's default of 200 keys
# per uid (kernel.keys.maxkeys) stopped new containers at about 100 per machine, with
# "unable to create session key: disk quota exceeded" (bench:agents, 200 learners). Room
# for the platform's SANDBOX_MAX_TOTAL and more; the keys cost the kernel little memory.
raise_key_quota() {
  [ "$(cat /proc/sys/kernel/keys/maxkeys 2>/dev/null || echo 0)" -ge 20000 ] && return
  { echo 20000 > /proc/sys/kernel/keys/maxkeys && echo 2000000 > /proc/sys/kernel/keys/maxbytes; } 2>/dev/null \
    || log "could not raise kernel.keys.maxkeys (not root?): at most about 100 sandboxes will start on this machine."
}
raise_key_quota

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

if engine_answers; then
  log "Docker engine is running ($(docker info -f '{{.Driver}}' 2>/dev/null) storage)."
  if ! docker info -f '{{json .SecurityOptions}}' 2>/dev/null | grep -q 'name=userns'; then
    log "WARNING: this engine runs containers without user-namespace remapping, so a sandbox's root would be"
    log "         this machine's root: Docker lessons stay switched off (SANDBOX_ALLOW_HOST_ROOT overrides)."
    log "         Stop it and run this script again to start one with --userns-remap."
  fi
  if [ "$(docker info -f '{{.LiveRestoreEnabled}}' 2>/dev/null)" != true ]; then
    log "WARNING: this engine runs without live-restore, so stopping or restarting it (an upgrade, a crash) stops"
    log "         every sandbox: learners lose their work and get a new one. Stop it and run this script again"
    log "         to start one with --live-restore (or set \"live-restore\": true in its daemon.json and reload it)."
  fi
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing Debian's docker.io (about 20 s)…"
    apt_install docker.io
  else
    log "No Docker engine found. Install Docker (https://docs.docker.com/engine/install/) and start it, then try again."
    exit 1
  fi
fi

if [ "$(id -u)" != 0 ]; then
  log "dockerd is installed but not running, and starting it needs root. Start it (e.g. 'sudo systemctl start docker') and try again."
  exit 1
fi

data_root=/var/lib/dojo/docker
image=/var/lib/dojo/docker-btrfs.img

# Prints the dockerd options for a quota-capable btrfs data root, or nothing if that fails.
btrfs_data_root() {
  [ "${DOJO_DOCKER_BTRFS:-1}" = 1 ] || return 0
  command -v mkfs.btrfs >/dev/null 2>&1 || apt_install btrfs-progs || return 0
  mkdir -p "$data_root"
  if ! mountpoint -q "$data_root"; then
    if [ ! -f "$image" ]; then
      truncate -s "${DOJO_DOCKER_DISK_GB:-32}G" "$image"
      mkfs.btrfs -q "$image" >/dev/null || { rm -f "$image"; return 0; }
    fi
    mount -o loop "$image" "$data_root" 2>/dev/null || return 0
  fi
  # Simple quotas only: full qgroups slow every container create to seconds under churn.
  local mode
  mode=$(cat "/sys/fs/btrfs/$(findmnt -no UUID "$data_root")/qgroups/mode" 2>/dev/null || echo none)
  if [ "$mode" != squota ]; then
    [ "$mode" = none ] || btrfs quota disable "$data_root"
    python3 "$(dirname "$0")/btrfs-simple-quota.py" "$data_root" 2>/dev/null || { umount "$data_root"; return 0; }
  fi
  echo "--data-root $data_root --storage-driver btrfs"
}

options=$(btrfs_data_root || true)
if [ -n "$options" ]; then
  log "Docker data on btrfs with quotas ($image): each sandbox gets a disk limit."
else
  log "btrfs with simple quotas unavailable; starting dockerd with its defaults (no per-sandbox disk limit)."
fi

# --userns-remap=default: a sandbox's root is an ordinary uid on the host (dockremap,
# 100000+), so a learner who is root inside cannot write host settings, load modules or
# create devices (README, "Security model"). --live-restore: containers keep running
# while dockerd restarts (an upgrade, a crash), so sandboxes outlive it.
options="$options --userns-remap=default --live-restore"

log_file=${DOJO_DOCKERD_LOG:-/var/log/dockerd.log}
log "Starting dockerd (log: $log_file)…"
# setsid: the daemon must outlive the shell (and the npm process) that started it.
# shellcheck disable=SC2086
setsid dockerd $options >"$log_file" 2>&1 < /dev/null &

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
