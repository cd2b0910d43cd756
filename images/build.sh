#!/usr/bin/env bash
# Build every image the platform needs, offline, from Debian packages only (no registry
# is reachable here). Each image is rebuilt only when it is missing or its recipe changed:
# images carry a label with a hash of their build folder (and of the Debian base they are
# built on, so a new base rebuilds them).
#
#   dojo/busybox:latest     busybox-static in an empty root (2 MB)
#   dojo/debian:bookworm    debootstrap --variant=minbase without manuals, translations
#                           or apt caches (images/debian/), imported (~80 MB)
#   dojo/lab-shell:latest   the `shell` sandbox template (images/shell/)
#   dojo/lab-docker:latest  the `docker` sandbox template (images/docker/, FROM lab-shell)
#   dojo/python:3           python:3 in the platform registry (images/python/)
#   dojo/registry:2         registry:2 in the platform registry (images/registry/)
#   dojo/node:20            the platform's own runtime: this host's node (images/node/)
#   dojo/postgres:15        Debian's PostgreSQL 15 (images/postgres/)
# (the last two for docker-compose.yml and deploy/stack.yml; `npm start` does not use them)
# and seeds the platform registry (scripts/registry.sh) with them under Docker Hub's names,
# so that `docker pull busybox` inside a sandbox works offline.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=${DOJO_IMAGE_WORKDIR:-/var/tmp/dojo-images}
step=0
total=9

progress() { step=$((step + 1)); printf '[images %d/%d] %s\n' "$step" "$total" "$*"; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_packages() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ "${#missing[@]}" = 0 ] && return 0
  echo "    installing ${missing[*]} from Debian…"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
}

# The Debian mirror this machine's apt already uses (never a hard-coded one).
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# Hash of one or more build folders: a lab image is rebuilt when its folder or its parent's changes.
context_hash() { for dir in "$@"; do (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum); done | sha256sum | cut -c1-16; }

build_busybox() {
  local name=dojo/busybox:latest
  progress "$name"
  if have_image "$name"; then echo "    up to date"; return; fi
  ensure_packages busybox-static
  local root="$work/busybox"
  rm -rf "$root" && mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  tar -C "$root" -c . | docker import -c 'CMD ["sh"]' - "$name" >/dev/null
  rm -rf "$root"
  echo "    built"
}

build_debian() {
  local name=dojo/debian:bookworm hash current
  progress "$name"
  hash=$(context_hash "$here/debian")
  current=$(docker image inspect -f '{{ index .Config.Labels "dojo.context-hash" }}' "$name" 2>/dev/null || true)
  if [ "$current" = "$hash" ]; then echo "    up to date"; return; fi
  ensure_packages debootstrap
  local root="$work/bookworm" mirror
  mirror=$(debian_mirror)
  echo "    debootstrap minbase bookworm from $mirror (about a minute)…"
  as_root rm -rf "$root"
  as_root debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  as_root install -m 0644 "$here/debian/dpkg-slim.cfg" "$root/etc/dpkg/dpkg.cfg.d/dojo-slim"
  as_root install -m 0644 "$here/debian/apt-slim.conf" "$root/etc/apt/apt.conf.d/dojo-slim"
  # debootstrap installed before the exclusions existed: remove now what they keep out from here on.
  as_root find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  as_root find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  as_root find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  as_root rm -rf "$root/usr/share/man/"* "$root/usr/share/info/"* "$root/usr/share/lintian/"* \
    "$root/var/cache/apt/archives/"*.deb "$root/var/cache/apt/"*.bin "$root/var/lib/apt/lists/"*
  echo "    importing…"
  as_root tar -C "$root" -c . | docker import -c 'CMD ["bash"]' -c 'ENV LANG=C.UTF-8' -c "LABEL dojo.context-hash=$hash" - "$name" >/dev/null
  as_root rm -rf "$root"
  echo "    built"
}

# build_lab NAME FOLDER [PARENT_FOLDER...]: docker build when the image is missing, a folder changed or the Debian base did.
build_lab() {
  local name=$1 dir=$2 hash current
  progress "$name"
  hash=$({ context_hash "${@:2}"; docker image inspect -f '{{.Id}}' dojo/debian:bookworm; } | sha256sum | cut -c1-16)
  current=$(docker image inspect -f '{{ index .Config.Labels "dojo.context-hash" }}' "$name" 2>/dev/null || true)
  if [ "$current" = "$hash" ]; then echo "    up to date"; return; fi
  echo "    docker build (context $hash)…"
  docker build --label "dojo.context-hash=$hash" -t "$name" "$dir" 2>&1 | sed -u 's/^/    /'
  echo "    built"
}

# The runtime image gets this host's node binary (images/node/Dockerfile says why), staged
# beside a copy of the folder so the hash covers the binary too: a new Node.js rebuilds it.
build_node() {
  local stage="$work/node-context"
  rm -rf "$stage" && mkdir -p "$stage"
  cp "$here/node/"* "$stage/"
  cp "$(readlink -f "$(command -v node)")" "$stage/node"
  build_lab dojo/node:20 "$stage"
  rm -rf "$stage"
}

# Local image → name in the platform registry (Docker Hub's official-image names).
SEEDS=(
  "dojo/busybox:latest library/busybox:latest"
  "dojo/debian:bookworm library/debian:bookworm"
  "dojo/debian:bookworm library/debian:bookworm-slim"
  "dojo/debian:bookworm library/debian:latest"
  "dojo/python:3 library/python:3"
  "dojo/python:3 library/python:3.11"
  "dojo/python:3 library/python:3-slim"
  "dojo/registry:2 library/registry:2"
)

# Pushes every seed whose local image changed since it was last pushed (a marker file per
# seed records the image id), through a writable registry that runs only meanwhile.
seed_registry() {
  progress "platform registry images"
  local root=${DOJO_REGISTRY_ROOT:-/var/lib/dojo/registry} port=${DOJO_REGISTRY_SEED_PORT:-5001}
  local pending=() seed source target id marker
  mkdir -p "$root/seeded"
  for seed in "${SEEDS[@]}"; do
    read -r source target <<<"$seed"
    id=$(docker image inspect -f '{{.Id}}' "$source")
    marker="$root/seeded/${target//[\/:]/_}"
    [ "$(cat "$marker" 2>/dev/null)" = "$id" ] || pending+=("$seed")
  done
  if [ "${#pending[@]}" = 0 ]; then echo "    up to date"; return; fi
  bash "$here/../scripts/registry.sh" seed-start
  trap 'bash "$here/../scripts/registry.sh" seed-stop' EXIT
  for seed in "${pending[@]}"; do
    read -r source target <<<"$seed"
    echo "    $target"
    docker tag "$source" "127.0.0.1:$port/$target"
    docker push -q "127.0.0.1:$port/$target" >/dev/null
    docker rmi "127.0.0.1:$port/$target" >/dev/null
    docker image inspect -f '{{.Id}}' "$source" >"$root/seeded/${target//[\/:]/_}"
  done
  bash "$here/../scripts/registry.sh" seed-stop
  trap - EXIT
  echo "    seeded"
}

mkdir -p "$work"
build_busybox
build_debian
build_lab dojo/lab-shell:latest "$here/shell"
build_lab dojo/lab-docker:latest "$here/docker" "$here/shell"
build_lab dojo/python:3 "$here/python"
build_lab dojo/registry:2 "$here/registry"
build_node
build_lab dojo/postgres:15 "$here/postgres"
seed_registry
