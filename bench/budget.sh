#!/usr/bin/env bash
# Times the micro-fund rules (greedy, Method of Equal Shares + add1) on a
# synthetic city of 90,000 voters and 160 projects; see bench/budget_bench.c.
#
#   bash bench/budget.sh [budget_bench options, e.g. --voters 20000 --seed 7]
#   BENCH_PABUTOOLS=1 bash bench/budget.sh   # also time pabutools, if installed
#
# Compiles the bench with the repository's flags (Makefile: BASE_CFLAGS and
# WARN, CFLAGS -O2 -g) against the few sources it needs, into build/bench/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla"
SRC="bench/budget_bench.c src/voice/budget.c src/voice/pb.c src/core/rational.c
     src/core/arena.c src/core/strbuf.c src/core/err.c src/core/utf8.c"
BIN=build/bench/budget_bench

mkdir -p build/bench
# shellcheck disable=SC2086
$CC -std=c17 -D_GNU_SOURCE -Isrc $WARN $CFLAGS -o "$BIN" $SRC
echo "budget bench  $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo "  machine  $(nproc) CPU(s), $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)"
echo

PB=""
if [[ -n ${BENCH_PABUTOOLS:-} ]]; then
    PB=$(mktemp "${TMPDIR:-/tmp}/linli-city.XXXXXX.pb")
    trap 'rm -f "$PB"' EXIT
    "$BIN" --write "$PB" "$@"
else
    "$BIN" "$@"
fi

echo
if ! command -v python3 >/dev/null 2>&1; then
    echo "  pabutools: not compared (no python3 on this machine)."
elif ! python3 -c 'import pabutools' >/dev/null 2>&1; then
    echo "  pabutools: not compared (python3 cannot import pabutools, and this script"
    echo "  does not install it).  The reference in this run is greedy, above."
elif [[ -z $PB ]]; then
    echo "  pabutools is installed: BENCH_PABUTOOLS=1 times its MES + add1 on the same"
    echo "  election (pure Python with fractions: expect minutes to hours)."
else
    echo "  pabutools on the same election (money in fen, add1 step 100 fen):"
    python3 - "$PB" <<'PY'
import sys, time
from pabutools.election import parse_pabulib, Cost_Sat
from pabutools.rules import method_of_equal_shares
instance, profile = parse_pabulib(sys.argv[1])
t0 = time.process_time()
out = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=100)
t = time.process_time() - t0
print(f"  pabutools MES + add1: {t:.1f} s CPU, {len(out)} funded, cost {sum(p.cost for p in out) // 100} yuan")
PY
fi
