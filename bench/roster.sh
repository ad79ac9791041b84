#!/usr/bin/env bash
# The roster solver against greedy first-fit on 1,000 volunteers and 5,000
# slots of a two-week gate and corridor schedule; see bench/roster_bench.c
# and docs/roster.md.  Prints, for both, the time (best of 3), unfilled
# slots, max/min hours per volunteer and the Gini of hours, and the targets:
# the solver in <= 2 s, fewer unfilled and a smaller spread than greedy.
# Then `linli roster solve` end to end on the same instance as JSON, if
# build/linli is there.
#
#   bash bench/roster.sh [roster_bench options, e.g. --seed 7 --volunteers 800]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla -Wno-missing-field-initializers"
SRC="bench/roster_bench.c src/scene/roster.c src/core/arena.c src/core/strbuf.c src/core/err.c"
BIN=build/bench/roster_bench
LINLI=${LINLI_BIN:-build/linli}

mkdir -p build/bench
# shellcheck disable=SC2086
$CC -std=c17 -D_GNU_SOURCE -Isrc $WARN $CFLAGS -o "$BIN" $SRC
echo "roster bench  $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo "  machine  $(nproc) CPU(s), $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "  (wall time is judged against the target; cpu is this process's CPU time, which a busy machine does not inflate)"
echo

JSON=$(mktemp "${TMPDIR:-/tmp}/linli-roster.XXXXXX.json")
trap 'rm -f "$JSON"' EXIT
rc=0
"$BIN" --write "$JSON" "$@" || rc=$?

if [[ ! -x $LINLI ]] || ! "$LINLI" roster --help >/dev/null 2>&1; then
    echo "  linli roster solve: not timed ($LINLI is not built or has no roster command)"
    exit $rc
fi
t0=$(date +%s%N)
summary=$("$LINLI" roster solve "$JSON" | tail -n 1)
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "  linli roster solve (read + parse + solve + print, end to end): $ms ms"
echo "    $summary"
exit $rc
