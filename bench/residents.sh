#!/usr/bin/env bash
# The residents register at 50,000 residents: p99 latency of the list and of
# each kind of search (name substring, incl. a two-character name, phone
# tail, age range, dwelling), with wrk against build/linli, each printed
# against the 20 ms goal of issue 4. See bench/README.md.
#
#   bash bench/residents.sh                      # make bench runs it too
#   BENCH_RESIDENTS=100000 BENCH_CONNS=8 bash bench/residents.sh
#
# The database: `linli init --demo`, then bench/residents_fill.c (linked with
# the server's own objects) adds a community of high-rise buildings and fills
# it with the demo's household generator (resident_demo) up to
# BENCH_RESIDENTS, and a worker account `bench`.
#
# Exits non-zero only when something failed to run or answered wrongly; the
# goal is reported as met / NOT MET.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECONDS_RUN=${BENCH_SECONDS:-5}
CONNS=${BENCH_CONNS:-4}
THREADS=${BENCH_THREADS:-2}
RESIDENTS=${BENCH_RESIDENTS:-50000}
GOAL_MS=20
LINLI=${LINLI_BIN:-$ROOT/build/linli}
CC=${CC:-cc}
PASSWORD=bench-pass-123

die() { echo "bench residents: error: $*" >&2; exit 1; }
log() { echo "bench residents: $*" >&2; }

[[ $SECONDS_RUN =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer"
[[ $CONNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNS must be a positive integer"
[[ $RESIDENTS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RESIDENTS must be a positive integer"
(( THREADS <= CONNS )) || THREADS=$CONNS
for tool in wrk curl node; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (bash scripts/deps.sh bench; node for reading JSON)"
done
[[ -x $LINLI ]] || die "$LINLI not found; build it first (make)"
[[ -f build/obj/routes.o ]] || die "build/obj is missing; run make first"

# ---------------------------------------------------------------- the filler
FILL=build/bench/residents_fill
mkdir -p build/bench
OBJS=$(find build/obj -name '*.o' ! -path build/obj/main.o | LC_ALL=C sort)
PKGS="libmicrohttpd jansson libsodium sqlite3 libpq libqrencode xlsxwriter"  # as the Makefile
# shellcheck disable=SC2046,SC2086
$CC -std=c17 -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
    -Wvla -Wno-missing-field-initializers -O2 -g $(pkg-config --cflags $PKGS) \
    -o "$FILL" bench/residents_fill.c $OBJS $(pkg-config --libs $PKGS) -lpthread -lm

TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-bench-residents.XXXXXX")
SERVER_PID=""
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    [[ -n ${BENCH_KEEP:-} ]] && { log "kept $TMP"; return; }
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

DB=$TMP/residents.db
t0=$(date +%s.%N)
LINLI_DEMO_PASSWORD=$PASSWORD "$LINLI" init --demo --db "$DB" >"$TMP/init.log" 2>&1 \
    || { cat "$TMP/init.log" >&2; die "linli init --demo failed"; }
t1=$(date +%s.%N)
FILLED=$("$FILL" "$DB" "$PASSWORD" "$RESIDENTS") || die "residents_fill failed"
t2=$(date +%s.%N)
read -r _ COMMUNITY _ COUNT _ DWELLINGS _ <<<"$FILLED"
(( COUNT >= RESIDENTS )) || die "only $COUNT residents were made"

# ---------------------------------------------------------------- the server
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { PORT=$p; break; }
done
[[ -n $PORT ]] || die "no free loopback port"
BASE=http://127.0.0.1:$PORT
LINLI_RATE_LIMIT=0 LINLI_ACCESS_LOG=off "$LINLI" serve --db "$DB" --listen "127.0.0.1:$PORT" \
    >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 200); do
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/serve.log" >&2; die "linli serve exited"; }
    sleep 0.05
done
curl -fsS -o /dev/null "$BASE/healthz" || die "linli did not become ready"

curl -fsS -D "$TMP/login.h" -o "$TMP/login.json" -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" "$BASE/api/session" || die "login failed"
COOKIE=$(grep -io 'linli_session=[^;]*' "$TMP/login.h" | head -n1)
[[ -n $COOKIE ]] || die "no session cookie"
R=/api/communities/$COMMUNITY/residents

# What to search for, taken from the data: a two-character name, a longer
# one, a surname, a phone tail, a dwelling, and an id in the middle.
curl -fsS -H "Cookie: $COOKIE" "$BASE$R?limit=200&after=$((COUNT / 2))" >"$TMP/sample.json" || die "list failed"
PICK=$(node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).residents;
const two = d.find((r) => [...r.name].length === 2);
const three = d.find((r) => [...r.name].length === 3);
const phone = d.find((r) => r.phone);
const e = encodeURIComponent;
console.log([e(two.name), e(three.name), e([...two.name][0]), phone.phone.slice(-4), d[0].dwelling_id, d[0].id].join(" "));
' "$TMP/sample.json") || die "could not read the sample"
read -r TWO THREE SURNAME TAIL DWELLING MID <<<"$PICK"

QUERIES=(
    "list, first page|$R?limit=50"
    "list, a page in the middle|$R?limit=50&after=$MID"
    "name, 2 characters|$R?q=$TWO"
    "name, 3 characters|$R?q=$THREE"
    "name, a surname|$R?q=$SURNAME"
    "name, no match|$R?q=%E6%97%A0%E6%AD%A4%E4%BA%BA"
    "phone tail|$R?phone_tail=$TAIL"
    "age 80 to 90|$R?age_min=80&age_max=90"
    "age 0 to 6|$R?age_min=0&age_max=6"
    "dwelling|$R?dwelling=$DWELLING"
)

# The server's CPU time (user + system, clock ticks) from /proc: "cpu ms" is
# that per request during the run, which the machine's load hardly changes.
HZ=$(getconf CLK_TCK)
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

to_ms() {   # wrk's "12.34ms" / "850.00us" / "1.02s" -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

echo "residents bench  $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet 2>/dev/null || echo '+dirty')"
echo "  machine   $(nproc) CPU(s), load $(cut -d' ' -f1 /proc/loadavg) before the run"
printf '  data      %s residents in %s dwellings of one community (plus the demo); built in %.1f s (init %.1f s)\n' \
    "$COUNT" "$DWELLINGS" "$(echo "$t2 - $t1" | bc)" "$(echo "$t1 - $t0" | bc)"
echo "  wrk       -t$THREADS -c$CONNS -d${SECONDS_RUN}s --latency, session cookie of a worker, SQLite"
echo
printf '  %-28s %6s %9s %9s %9s %9s  %s\n' "query" "rows" "req/s" "p50 ms" "p99 ms" "cpu ms" "goal p99 <= $GOAL_MS ms"
fails=0
for entry in "${QUERIES[@]}"; do
    label=${entry%%|*}
    path=${entry#*|}
    code=$(curl -sS -o "$TMP/one.json" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")
    [[ $code == 200 ]] || die "$label: $path answered $code: $(head -c 300 "$TMP/one.json")"
    rows=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).residents.length)' "$TMP/one.json")
    wrk -t"$THREADS" -c"$CONNS" -d1s -H "Cookie: $COOKIE" "$BASE$path" >/dev/null 2>&1 || true
    cpu0=$(server_ticks)
    wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -H "Cookie: $COOKIE" "$BASE$path" >"$TMP/wrk.txt" 2>&1 \
        || die "wrk failed on $label: $(cat "$TMP/wrk.txt")"
    cpu1=$(server_ticks)
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$TMP/serve.log" >&2; die "linli died under load"; }
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$TMP/wrk.txt")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$TMP/wrk.txt")")
    rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$TMP/wrk.txt")
    nreq=$(awk '/requests in/ {print $1}' "$TMP/wrk.txt")
    cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$nreq" -v hz="$HZ" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) * 1000 / hz / n : 0) }')
    if grep -q 'Non-2xx\|Socket errors' "$TMP/wrk.txt"; then
        echo "  $label: wrk reported errors:" >&2
        grep 'Non-2xx\|Socket errors' "$TMP/wrk.txt" >&2
        fails=$((fails + 1))
    fi
    verdict=met
    awk -v a="$p99" -v g="$GOAL_MS" 'BEGIN { exit !(a > g) }' && verdict="NOT MET"
    printf '  %-28s %6s %9s %9s %9s %9s  %s\n' "$label" "$rows" "$rps" "$p50" "$p99" "$cpu" "$verdict"
done
echo
echo "  cpu ms: the server's CPU time (user + system) per request during the run."
echo "  Ratios are more telling than raw figures on a shared machine: compare runs on the same one."
(( fails == 0 )) || die "$fails run(s) had error answers"
