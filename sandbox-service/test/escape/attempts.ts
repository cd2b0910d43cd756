/**
 * The escape suite's attempts: what a hostile learner who is root in their sandbox would
 * try first to get out of it. Each is a bash script run as the sandbox's root (the same
 * user, namespaces, capabilities and seccomp filter as the learner's own shell) whose
 * last line is the verdict:
 *
 *   REFUSED <what stopped it>      the attempt failed, as it must
 *   ALLOWED <evidence>             it worked: an escape (or a step towards one)
 *   N/A <why>                      it does not apply to this template
 *
 * N/A passes only where the attempt declares it (`notApplicableIn`): anywhere else it would
 * mean the attempt did not run, which proves nothing, so the suite fails on it.
 *
 * Every script is harmless when it succeeds: files of the host are opened for writing but
 * never written (the kernel checks permission on open), the clock is "set" to the time it
 * already has, a device is only read, a module is garbage the kernel would refuse to load.
 */

import type { TemplateName } from "../../../shared/templates";

export interface EscapeAttempt {
  id: string;
  /** What the learner tries, for the table. */
  title: string;
  /** Bash, run as root in the sandbox. `$NEIGHBOUR_PID` and `$HOST_ENGINE_ID` are set. */
  script: string;
  /**
   * The templates in which the attempt may answer N/A, because what it attacks is not
   * there at all (none unless listed). In every other template an N/A fails the suite.
   */
  notApplicableIn?: readonly TemplateName[];
}

/** Opens a file for writing without writing (the permission check happens on open). */
const OPEN_FOR_WRITE = `
open_for_write() {
  if [ ! -e "$1" ]; then echo "REFUSED $1 does not exist here"; return; fi
  if err=$( { exec 3>>"$1"; } 2>&1 ); then echo "ALLOWED opened $1 for writing"; else echo "REFUSED $(echo "$err" | sed 's/.*: //')"; fi
}`;

/** A raw system call from Python; prints the errno's name, or OK. */
const SYSCALL = `
syscall() {
  python3 - "$@" <<'PY'
import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
args = [ctypes.c_long(int(a)) if a.lstrip("-").isdigit() else ctypes.c_char_p(a.encode()) for a in sys.argv[1:]]
result = libc.syscall(*args)
print("OK" if result >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno())))
PY
}
verdict_of_syscall() {
  case "$1" in
    EPERM|EACCES) echo "REFUSED $1" ;;
    ENOSYS) echo "REFUSED ENOSYS (not available to the sandbox)" ;;
    *) echo "ALLOWED the kernel went past the permission check ($1)" ;;
  esac
}`;

/** The host's cgroup limit file for a controller, v1 or v2 names. */
const LIMIT_FILE = `
limit_file() {
  for f in "$@"; do [ -e "/sys/fs/cgroup/$f" ] && { echo "/sys/fs/cgroup/$f"; return; }; done
  echo "/sys/fs/cgroup/$1"
}`;

/** major:minor of the host's first real disk (sysfs shows the host's block devices even in a container). */
const HOST_DISK = `
host_disk() {
  for d in /sys/block/*; do case "\${d##*/}" in loop*|ram*|zram*|nbd*) continue ;; esac; cat "$d/dev" && return; done
  echo 8:0
}`;

export const ESCAPE_ATTEMPTS: EscapeAttempt[] = [
  {
    id: "host-root",
    title: "be the host's root (uid/gid 0 here mapped to 0 of the host)",
    // Both templates: the remapping is the engine's (--userns-remap), so a `shell` sandbox
    // must show it as well as a `docker` one. Refused only when the sandbox's uid 0 and gid 0
    // are some other host id; without a user namespace the map is "0 0 4294967295".
    script: `
found=""
for kind in uid gid; do
  map=$(cat /proc/self/\${kind}_map 2>/dev/null)
  [ -n "$map" ] || { echo "ALLOWED cannot read /proc/self/\${kind}_map: nothing shows root here is not the host's"; exit; }
  flat=$(echo "$map" | awk '{ printf "%s%s %s %s", (NR > 1 ? ", " : ""), $1, $2, $3 }')
  host=$(echo "$map" | awk '$1 <= 0 && 0 < $1 + $3 { printf "%.0f", $2 - $1; hit = 1; exit } END { if (!hit) print "unmapped" }')
  [ "$host" = 0 ] && { echo "ALLOWED $kind 0 here is $kind 0 of the host (\${kind}_map: $flat)"; exit; }
  found="$found\${found:+, }$kind 0 is host $kind $host (\${kind}_map: $flat)"
done
echo "REFUSED $found"`,
  },
  {
    id: "core-pattern",
    title: "write kernel.core_pattern (run a program as host root on a crash)",
    script: `${OPEN_FOR_WRITE}\nopen_for_write /proc/sys/kernel/core_pattern`,
  },
  {
    id: "drop-caches",
    title: "write vm.drop_caches (a host-wide setting)",
    script: `${OPEN_FOR_WRITE}\nopen_for_write /proc/sys/vm/drop_caches`,
  },
  {
    id: "sysrq-trigger",
    title: "write /proc/sysrq-trigger (reboot or crash the host)",
    script: `${OPEN_FOR_WRITE}\nopen_for_write /proc/sysrq-trigger`,
  },
  {
    id: "kernel-modprobe",
    title: "write kernel.modprobe (the program the kernel runs as root)",
    script: `${OPEN_FOR_WRITE}\nopen_for_write /proc/sys/kernel/modprobe`,
  },
  {
    id: "userns-sysctl",
    title: "a new user namespace of one's own, then write kernel.core_pattern",
    script: `${OPEN_FOR_WRITE}
if ! command -v unshare >/dev/null; then echo "N/A no unshare"; exit; fi
out=$(unshare --user --map-root-user bash -c "$(declare -f open_for_write); open_for_write /proc/sys/kernel/core_pattern" 2>&1 | tail -n1)
case "$out" in ALLOWED*|REFUSED*) echo "$out" ;; *) echo "REFUSED cannot create a user namespace: $out" ;; esac`,
  },
  {
    id: "init-module",
    title: "init_module (load a kernel module)",
    script: `${SYSCALL}\nverdict_of_syscall "$(syscall 175 "$(head -c 64 /dev/zero | tr '\\0' x)" 64 "")"`,
  },
  {
    id: "finit-module",
    title: "finit_module (load a kernel module from a file)",
    script: `${SYSCALL}\nexec 4</bin/true\nverdict_of_syscall "$(syscall 313 4 "" 0)"`,
  },
  {
    id: "host-block-device",
    title: "mknod the host's disk, then read it",
    script: `${HOST_DISK}
dev=$(host_disk)
rm -f /tmp/escape-disk
if ! err=$(mknod /tmp/escape-disk b "\${dev%%:*}" "\${dev##*:}" 2>&1); then echo "REFUSED mknod $dev: $(echo "$err" | sed 's/.*: //')"; exit; fi
if head -c 512 /tmp/escape-disk >/dev/null 2>&1; then echo "ALLOWED read the host's disk ($dev)"; else echo "REFUSED created the node, but opening it failed"; fi
rm -f /tmp/escape-disk`,
  },
  {
    id: "mount-host-disk",
    title: "mount the host's disk",
    script: `${HOST_DISK}
dev=$(host_disk)
mkdir -p /tmp/escape-mnt; rm -f /tmp/escape-disk
mknod /tmp/escape-disk b "\${dev%%:*}" "\${dev##*:}" 2>/dev/null
if err=$(mount -o ro /tmp/escape-disk /tmp/escape-mnt 2>&1); then echo "ALLOWED mounted $dev"; umount /tmp/escape-mnt; else echo "REFUSED $(echo "$err" | head -n1 | sed 's/.*: //')"; fi
rm -f /tmp/escape-disk`,
  },
  {
    id: "mount-devtmpfs",
    title: "mount devtmpfs (every device of the host)",
    script: `
mkdir -p /tmp/escape-dev
if err=$(mount -t devtmpfs devtmpfs /tmp/escape-dev 2>&1); then echo "ALLOWED mounted devtmpfs: $(ls /tmp/escape-dev | head -n3 | tr '\\n' ' ')"; umount /tmp/escape-dev; else echo "REFUSED $(echo "$err" | head -n1 | sed 's/.*: //')"; fi`,
  },
  {
    id: "cgroup-release-agent",
    title: "cgroup v1 release_agent (a program the host runs as root)",
    script: `${OPEN_FOR_WRITE}
mkdir -p /tmp/escape-cg
if mount -t cgroup -o none,name=dojoescape cgroup /tmp/escape-cg 2>/dev/null; then
  open_for_write /tmp/escape-cg/release_agent | sed 's/^REFUSED/REFUSED mounted a new hierarchy, but/'; umount /tmp/escape-cg; exit
fi
for f in $(find /sys/fs/cgroup -maxdepth 2 -name release_agent 2>/dev/null); do
  v=$(open_for_write "$f"); case "$v" in ALLOWED*) echo "$v"; exit ;; esac
done
echo "REFUSED no hierarchy of one's own, no release_agent writable"`,
  },
  {
    id: "raise-memory",
    title: "raise the sandbox's own memory limit",
    script: `${OPEN_FOR_WRITE}${LIMIT_FILE}\nopen_for_write "$(limit_file memory/memory.limit_in_bytes memory.max)"`,
  },
  {
    id: "raise-pids",
    title: "raise the sandbox's own process limit",
    script: `${OPEN_FOR_WRITE}${LIMIT_FILE}\nopen_for_write "$(limit_file pids/pids.max pids.max)"`,
  },
  {
    id: "raise-cpu",
    title: "raise the sandbox's own CPU limit",
    script: `${OPEN_FOR_WRITE}${LIMIT_FILE}\nopen_for_write "$(limit_file cpu/cpu.cfs_quota_us cpu,cpuacct/cpu.cfs_quota_us cpu.max)"`,
  },
  {
    id: "btrfs-subvolume",
    title: "create a btrfs subvolume (its own quota group: past the disk limit)",
    script: `python3 - <<'PY'
import errno, fcntl, os, struct
SUBVOL_CREATE, SNAP_DESTROY = 0x5000940E, 0x5000940F
def args(name): return bytearray(struct.pack("q", 0) + name.encode().ljust(4088, b"\\0"))
fd = os.open("/root", os.O_RDONLY | os.O_DIRECTORY)
try:
    fcntl.ioctl(fd, SUBVOL_CREATE, args("escape-subvolume"))
except OSError as e:
    print("REFUSED", errno.errorcode.get(e.errno, e.errno), "(ENOTTY: not on btrfs)" if e.errno == errno.ENOTTY else "")
else:
    fcntl.ioctl(fd, SNAP_DESTROY, args("escape-subvolume"))
    print("ALLOWED created a subvolume in /root")
PY`,
  },
  {
    id: "registry-remount",
    title: "remount the platform registry's folder read-write and replace its socket",
    // Only `docker` sandboxes have the registry's folder mounted (their nested engine's
    // mirror); a `shell` sandbox has no host path at all, so there is nothing to remount.
    notApplicableIn: ["shell"],
    script: `
dir=/opt/dojo/registry
# The mount point is field 5 of mountinfo: the folder is there only if the host mounted it.
awk -v d="$dir" '$5 == d { found = 1 } END { exit !found }' /proc/self/mountinfo || { echo "N/A the registry's folder is not mounted in this template"; exit; }
[ -S "$dir/registry.sock" ] && missing="" || missing=" (no socket there now: the folder itself was tried)"
mount -o remount,rw,bind "$dir" 2>/dev/null && remounted="remounted read-write, but " || remounted=""
if err=$(touch "$dir/escape-probe" 2>&1); then rm -f "$dir/escape-probe"; echo "ALLOWED \${remounted}wrote into the registry's folder"; exit; fi
if [ -S "$dir/registry.sock" ] && ln -f "$dir/registry.sock" "$dir/registry.sock.escape" 2>/dev/null; then rm -f "$dir/registry.sock.escape"; echo "ALLOWED linked the socket"; exit; fi
echo "REFUSED \${remounted}$(echo "$err" | sed 's/.*: //')$missing"`,
  },
  {
    id: "set-clock",
    title: "set the host's clock",
    script: `python3 -c '
import time
try:
    time.clock_settime(time.CLOCK_REALTIME, time.time())
    print("ALLOWED set the clock (to the time it had)")
except PermissionError as e:
    print("REFUSED", e.strerror)
'`,
  },
  {
    id: "kernel-log",
    title: "read the kernel log",
    script: `${SYSCALL}
if [ -r /dev/kmsg ] && head -c1 /dev/kmsg >/dev/null 2>&1; then echo "ALLOWED read /dev/kmsg"; exit; fi
verdict_of_syscall "$(syscall 103 3 "$(head -c 4096 /dev/zero | tr '\\0' x)" 4096)"`,
  },
  {
    id: "neighbour-processes",
    title: "see or signal another sandbox's processes",
    script: `
# Split, so that this script's own command line does not match.
target="sleep 42424""2"
if pgrep -f "$target" >/dev/null; then echo "ALLOWED sees the neighbour's process"; exit; fi
if kill -0 "$NEIGHBOUR_PID" 2>/dev/null && tr '\\0' ' ' </proc/$NEIGHBOUR_PID/cmdline 2>/dev/null | grep -q "$target"; then echo "ALLOWED signals the neighbour's process (host pid $NEIGHBOUR_PID)"; exit; fi
echo "REFUSED the neighbour's processes are not in this sandbox's view"`,
  },
  {
    id: "host-docker-socket",
    title: "reach the host's Docker engine",
    script: `
for s in $(find / \\( -path /proc -o -path /sys \\) -prune -o -type s -print 2>/dev/null); do
  [ -S "$s" ] || continue
  id=$(curl -s --max-time 3 --unix-socket "$s" http://docker/info 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("ID",""))' 2>/dev/null)
  [ "$id" = "$HOST_ENGINE_ID" ] && { echo "ALLOWED the host's engine answers on $s"; exit; }
done
echo "REFUSED no socket of the host's engine (the nested engine, where there is one, is the sandbox's own)"`,
  },
];
