#!/usr/bin/env bash
# wetty's --command: wetty runs this (through `env -S`) in a new pty for every browser
# connection. It hands each connection the next benchmark container, round robin, and
# becomes `docker exec -it [options] <container> <shell>`, so from then on the pty holds
# exactly what `docker exec -it <container> bash -l` would.
#
# $BENCH_WETTY_DIR (set by wetty-server.ts) holds:
#   containers     one container id per line
#   exec-options   `docker exec` options, one per line (the shell template's env and workdir)
#   shell          the shell's argv, one per line
#   next, lock     the round-robin counter and its lock
set -euo pipefail
dir="${BENCH_WETTY_DIR:?BENCH_WETTY_DIR is not set}"
mapfile -t containers <"$dir/containers"
mapfile -t options <"$dir/exec-options"
mapfile -t shell <"$dir/shell"
exec 9>>"$dir/lock"
flock 9
next=$(cat "$dir/next" 2>/dev/null || echo 0)
echo $(((next + 1) % ${#containers[@]})) >"$dir/next"
exec 9>&-
exec docker exec -it "${options[@]}" "${containers[$((next % ${#containers[@]}))]}" "${shell[@]}"
