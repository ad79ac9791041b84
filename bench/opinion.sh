#!/usr/bin/env bash
# The opinion map benchmark: linli's C (bench/opinion_bench.c) against numpy +
# scikit-learn (bench/opinion_ref.py) on the same synthetic matrix, in the
# same run, both on one core.  Prints the figures and the ratio.
#
#   bash bench/opinion.sh                      # 100,000 x 1,000, 5,000,000 votes
#   bash bench/opinion.sh --participants 20000 --votes 1000000   # passed to the C bench
#
# The reference needs Debian's python3-sklearn (apt-get install -y
# python3-sklearn python3-numpy); without it linli's figures are printed
# alone.  Exits non-zero only when something failed to build or run; the
# 5 s goal is reported as met / NOT MET.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CC=${CC:-cc}
GOAL_S=5

die() { echo "opinion bench: error: $*" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-opinion-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Build the bench as `make` builds linli (same flags, -O2), linking only what
# it uses.  The map needs sqrt, hence -lm.
mkdir -p build/bench
"$CC" -std=c17 -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wformat=2 -Wvla -O2 -g -o build/bench/opinion_bench bench/opinion_bench.c \
	src/voice/opinion.c src/core/arena.c src/core/err.c -lm \
	|| die "building bench/opinion_bench.c failed"

# One core for both: the C is single-threaded; BLAS and OpenMP are told so.
PIN=()
command -v taskset >/dev/null 2>&1 && PIN=(taskset -c 0)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 BLIS_NUM_THREADS=1

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
echo "== linli (C, one core)"
"${PIN[@]}" build/bench/opinion_bench --write "$TMP/matrix.bin" "$@" | tee "$TMP/c.txt" \
	|| die "opinion_bench failed"
C_RESULT=$(grep '^RESULT ' "$TMP/c.txt") || die "no RESULT line from opinion_bench"
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
C_BUILD=$(field "$C_RESULT" build_s)
C_MAP=$(field "$C_RESULT" map_s)
C_TOTAL=$(field "$C_RESULT" total_s)

PY=""
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 &&
		"$p" -c 'import numpy, scipy, sklearn' >/dev/null 2>&1; then
		PY=$p
		break
	fi
done

echo
if [[ -n $PY ]]; then
	echo "== reference: numpy $("$PY" -c 'import numpy; print(numpy.__version__)'), scikit-learn $("$PY" -c 'import sklearn; print(sklearn.__version__)') (one core)"
	"${PIN[@]}" "$PY" bench/opinion_ref.py "$TMP/matrix.bin" | tee "$TMP/py.txt" \
		|| die "opinion_ref.py failed"
	PY_RESULT=$(grep '^RESULT ' "$TMP/py.txt") || die "no RESULT line from opinion_ref.py"
	PY_MAP=$(field "$PY_RESULT" map_s)
else
	echo "== reference: not run: scikit-learn is not installed for any python3 here"
	echo "   (Debian: apt-get install -y python3-sklearn python3-numpy)"
fi

echo
echo "opinion map bench  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine  $(nproc) CPU(s), $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null); load $LOAD_BEFORE before the run"
printf '  %-50s %10s\n' "linli matrix build (5M records, latest wins)" "$C_BUILD s"
printf '  %-50s %10s\n' "linli map (PCA, projection, groups, repness)" "$C_MAP s"
printf '  %-50s %10s\n' "linli total" "$C_TOTAL s"
if [[ -n $PY ]]; then
	printf '  %-50s %10s\n' "numpy/scikit-learn map (PCA, projection, groups)" "$PY_MAP s"
	printf '  %-50s %10s\n' "ratio: reference map / linli map" \
		"$(awk -v a="$PY_MAP" -v b="$C_MAP" 'BEGIN {printf "%.2fx", (b > 0) ? a / b : 0}')"
	printf '  %-50s %10s\n' "groups agree with linli's (ARI)" "$(field "$PY_RESULT" ari_linli)"
fi
verdict=$(awk -v t="$C_TOTAL" -v g="$GOAL_S" 'BEGIN {print (t <= g) ? "met" : "NOT MET"}')
printf '  %-50s %10s\n' "goal: linli total <= ${GOAL_S} s" "$verdict"
exit 0
