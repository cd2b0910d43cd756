#!/usr/bin/env bash
# Build every image the platform needs, offline, from Debian packages only (no registry
# is reachable here). Each image is rebuilt only when it is missing or its recipe changed:
# lab images carry a label with a hash of their build folder.
#
#   dojo/busybox:latest     busybox-static in an empty root (2 MB)
#   dojo/debian:bookworm    debootstrap --variant=minbase, imported (~200 MB)
#   dojo/lab-shell:latest   the `shell` sandbox template (images/shell/)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=${DOJO_IMAGE_WORKDIR:-/var/tmp/dojo-images}
step=0
total=3

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

context_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

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
  local name=dojo/debian:bookworm
  progress "$name"
  if have_image "$name"; then echo "    up to date"; return; fi
  ensure_packages debootstrap
  local root="$work/bookworm" mirror
  mirror=$(debian_mirror)
  echo "    debootstrap minbase bookworm from $mirror (about a minute)…"
  as_root rm -rf "$root"
  as_root debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  as_root rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  echo "    importing…"
  as_root tar -C "$root" -c . | docker import -c 'CMD ["bash"]' -c 'ENV LANG=C.UTF-8' - "$name" >/dev/null
  as_root rm -rf "$root"
  echo "    built"
}

# build_lab NAME FOLDER: docker build when the image is missing or its folder changed.
build_lab() {
  local name=$1 dir=$2 hash current
  progress "$name"
  hash=$(context_hash "$dir")
  current=$(docker image inspect -f '{{ index .Config.Labels "dojo.context-hash" }}' "$name" 2>/dev/null || true)
  if [ "$current" = "$hash" ]; then echo "    up to date"; return; fi
  echo "    docker build (context $hash)…"
  docker build --label "dojo.context-hash=$hash" -t "$name" "$dir" 2>&1 | sed -u 's/^/    /'
  echo "    built"
}

mkdir -p "$work"
build_busybox
build_debian
build_lab dojo/lab-shell:latest "$here/shell"
