#!/usr/bin/env bash
# The supervisor's dead man's switch. Node has no PR_SET_PDEATHSIG, so this small process,
# in a session of its own, holds the read end of a pipe whose only writer is the
# supervisor. The supervisor writes "+PGID" for each process group it starts and "-PGID"
# once that group is gone. When the pipe reaches end of file, the supervisor has exited,
# however it died (kill -9 included: the kernel closes its end): every group still listed
# gets SIGTERM, then SIGKILL after REAPER_GRACE_SECONDS, so no web server or sandbox
# service outlives it holding its port.
set -u
# Only the end of the pipe ends it: Ctrl-C in the terminal, or a signal to the platform's group, must not.
trap '' INT TERM HUP

declare -A groups=()
while IFS= read -r line; do
  case "$line" in
    +[0-9]*) groups["${line#+}"]=1 ;;
    -[0-9]*) unset "groups[${line#-}]" ;;
  esac
done
[ "${#groups[@]}" -eq 0 ] && exit 0

echo "[platform] the supervisor is gone; stopping what it started (process groups ${!groups[*]})." >&2
for group in "${!groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null; done
# Wait for each group to empty (its members' orderly stop), at most the grace period.
deadline=$((SECONDS + ${REAPER_GRACE_SECONDS:-10}))
while [ "$SECONDS" -lt "$deadline" ]; do
  alive=0
  for group in "${!groups[@]}"; do
    # Each group leads a session of its own (setsid). Zombies (state Z) are gone for our
    # purpose: nothing runs, no port is held.
    if ps -o stat= -s "$group" 2>/dev/null | grep -qv '^Z'; then alive=1; fi
  done
  [ "$alive" -eq 0 ] && exit 0
  sleep 0.1
done
for group in "${!groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null; done
exit 0
