#!/usr/bin/env bash
# Times `linli import residents` on 100,000 synthetic residents (validated,
# ID numbers and phones sealed, ID numbers hashed, one transaction) against
# the 5 s target of issue 4, in UTF-8 and in GB18030, each on a fresh
# database; then the same file again (nothing changes) and an export.
#
#   bash bench/import.sh [ROWS]        # default 100000
#
# The compound the residents live in (基准小区: 20 buildings x 4 units x 30
# floors x 4 rooms = 9,600 dwellings) is laid out through the API of a
# server started for the purpose; bench/import_gen.py writes the file.
# Uses build/linli (the optimised build), not the sanitizer one.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=${1:-100000}
BIN=$ROOT/build/linli
[[ -x $BIN ]] || make -s build/linli
TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-import.XXXXXX")
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export LINLI_RATE_LIMIT=0 LINLI_ACCESS_LOG=off LINLI_DEMO_PASSWORD=bench-password-1

echo "import bench  $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo "  machine  $(nproc) CPU(s), $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)"

# the demo community (id 1) and its admin, then our compound through the API
"$BIN" init --demo --db "$TMP/base.db" >/dev/null 2>&1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --db "$TMP/base.db" --listen "127.0.0.1:$PORT" --web "$ROOT/web" >/dev/null 2>&1 &
PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
JAR=$TMP/jar
CSRF=$(curl -fs -c "$JAR" -H 'Content-Type: application/json' \
	-d '{"username":"admin","password":"bench-password-1"}' "$BASE/api/session" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
post() { curl -fs -b "$JAR" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" -d "$2" "$BASE$1"; }
CMP=$(post /api/communities/1/compounds '{"name":"基准小区"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for b in $(seq 20); do
	BID=$(post /api/communities/1/buildings "{\"compound_id\":$CMP,\"name\":\"${b}号楼\"}" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
	post "/api/communities/1/buildings/$BID/layout" '{"units":4,"floors":30,"rooms_per_floor":4,"area":9000}' >/dev/null
done
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""

python3 bench/import_gen.py "$ROWS" "$TMP/utf8.csv"
python3 bench/import_gen.py "$ROWS" "$TMP/gb.csv" --gb18030
printf '  file     %s rows, %s bytes (UTF-8), %s bytes (GB18030)\n\n' "$ROWS" \
	"$(stat -c %s "$TMP/utf8.csv")" "$(stat -c %s "$TMP/gb.csv")"

# one run: a fresh copy of the laid-out database, the import, its time
run() {
	local name=$1 file=$2 db=$TMP/$1.db t0 t1 ms verdict
	cp "$TMP/base.db" "$db"; cp "$TMP/base.db.key" "$db.key"; chmod 600 "$db.key"
	"$BIN" migrate --db "$db" >/dev/null 2>&1
	t0=$(date +%s%N)
	"$BIN" import residents "$file" --community 1 --db "$db" >/dev/null 2>"$TMP/$name.err"
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	verdict=$([[ $ms -le 5000 ]] && echo "within" || echo "OVER")
	printf '  %-22s %6d ms  (%s the 5,000 ms target)   %s\n' "$name" "$ms" "$verdict" "$(tail -1 "$TMP/$name.err")"
}
run "import UTF-8" "$TMP/utf8.csv"
run "import GB18030" "$TMP/gb.csv"
# the same file again on the same database: everything unchanged
t0=$(date +%s%N)
"$BIN" import residents "$TMP/utf8.csv" --community 1 --db "$TMP/import UTF-8.db" >/dev/null 2>"$TMP/again.err"
t1=$(date +%s%N)
printf '  %-22s %6d ms   %s\n' "re-import (no change)" $(( (t1 - t0) / 1000000 )) "$(tail -1 "$TMP/again.err")"
t0=$(date +%s%N)
"$BIN" export residents --community 1 --format xlsx -o "$TMP/out.xlsx" --db "$TMP/import UTF-8.db" 2>/dev/null
t1=$(date +%s%N)
printf '  %-22s %6d ms   %s bytes\n' "export XLSX (masked)" $(( (t1 - t0) / 1000000 )) "$(stat -c %s "$TMP/out.xlsx")"
