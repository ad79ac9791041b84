#!/usr/bin/env bash
# linli benchmark: nginx static file as the reference, then linli's /healthz
# and an authenticated list, all with wrk on loopback. See bench/README.md.
# The linli requests run on SQLite and, when PostgreSQL is available, again on
# a throwaway PostgreSQL cluster (scripts/pg.sh); the table shows both.
#
#   make bench                                # or: bash bench/run.sh
#   BENCH_SECONDS=5 BENCH_CONNS=128 bash bench/run.sh
#   BENCH_PG=1 bash bench/run.sh              # PostgreSQL required (0: SQLite only)
#
# Exits 0 when everything ran (goals are informative only), non-zero when
# something failed to run or answered wrongly.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECONDS_RUN=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNS:-64}
THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-1}          # seconds of unmeasured wrk before each run
LINLI=${LINLI_BIN:-$ROOT/build/linli}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
PASSWORD=bench-pass-123
LIST_LIMIT=50

die() { echo "bench: error: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

[[ $SECONDS_RUN =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer (got '$SECONDS_RUN')"
[[ $CONNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNS must be a positive integer (got '$CONNS')"
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive integer (got '$THREADS')"
(( THREADS <= CONNS )) || THREADS=$CONNS

# ---------------------------------------------------------------- tools
missing=()
command -v wrk >/dev/null 2>&1 || missing+=("wrk (Debian package wrk)")
[[ -x $NGINX ]] || missing+=("nginx ($NGINX, Debian package nginx-light)")
command -v curl >/dev/null 2>&1 || missing+=("curl (Debian package curl)")
if command -v jq >/dev/null 2>&1; then JSON=jq
elif command -v node >/dev/null 2>&1; then JSON=node
elif command -v python3 >/dev/null 2>&1; then JSON=python3
else missing+=("jq (or node or python3) to read JSON"); fi
if ((${#missing[@]})); then
    echo "bench: missing tools:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    echo "install them with: bash scripts/deps.sh bench" >&2
    exit 1
fi
[[ -x $LINLI ]] || die "$LINLI not found or not executable; build it first (make)"

# ---------------------------------------------------------------- PostgreSQL?
# BENCH_PG=1: required; 0: off; unset: when scripts/pg.sh, the server
# binaries and a linli built with the PostgreSQL backend are all there.
PG_WANT=${BENCH_PG:-auto}
PG=0
PG_WHY=""
pg_probe() {   # sets PG_WHY and fails when PostgreSQL cannot be benchmarked
    [[ -x $ROOT/scripts/pg.sh || -f $ROOT/scripts/pg.sh ]] || { PG_WHY="no scripts/pg.sh"; return 1; }
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 \
        || { PG_WHY="no PostgreSQL server binaries (bash scripts/deps.sh test)"; return 1; }
    command -v psql >/dev/null 2>&1 || { PG_WHY="no psql (Debian package postgresql-client)"; return 1; }
    # A build without the backend refuses a postgres:// URL at once, saying so.
    local out
    out=$(timeout 10 "$LINLI" serve --listen "127.0.0.1:$(free_port)" --db 'postgres://linli@/none?host=/nonexistent&port=1' \
        </dev/null 2>&1 || true)
    if grep -qi 'not built' <<<"$out"; then PG_WHY="$LINLI is built without the PostgreSQL backend"; return 1; fi
    return 0
}

# json_get FILE EXPR: EXPR is a jq path like .communities[0].id or
# .dwellings|length (only these two shapes are needed here).
json_get() {
    local file=$1 expr=$2
    case $JSON in
        jq) jq -r "$expr" <"$file" ;;
        node) node -e '
            const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
            let e = process.argv[2], len = false;
            if (e.endsWith("|length")) { len = true; e = e.slice(0, -7); }
            let v = d;
            for (const m of e.matchAll(/\.(\w+)|\[(\d+)\]/g)) v = v == null ? v : v[m[1] ?? Number(m[2])];
            if (len) v = v == null ? 0 : v.length;
            console.log(v === undefined || v === null ? "null" : v);' "$file" "$expr" ;;
        python3) python3 -c '
import json, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8")); e = sys.argv[2]; ln = e.endswith("|length")
if ln: e = e[:-7]
v = d
for a, b in re.findall(r"\.(\w+)|\[(\d+)\]", e):
    v = None if v is None else (v.get(a) if a else (v[int(b)] if int(b) < len(v) else None))
if ln: v = 0 if v is None else len(v)
print("null" if v is None else v)' "$file" "$expr" ;;
    esac
}

# ---------------------------------------------------------------- cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-bench.XXXXXX")
PGDIR=""   # the throwaway cluster (its own directory: the postgres user must reach it)
NGINX_PID=""
LINLI_PID=""
stop_pid() {
    local pid
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
cleanup() {
    local rc=$?
    stop_pid $LINLI_PID $NGINX_PID
    if ((rc != 0)) && [[ -z ${BENCH_KEEP:-} ]]; then
        for f in "$TMP"/serve-*.log "$TMP"/init-*.log "$TMP"/nginx/error.log ${PGDIR:+"$PGDIR"/log/postgresql.log}; do
            [[ -s $f ]] && { echo "---- last lines of $f" >&2; tail -n 20 "$f" >&2; }
        done
    fi
    if [[ -n $PGDIR ]]; then
        if [[ -n ${BENCH_KEEP:-} ]]; then
            bash "$ROOT/scripts/pg.sh" stop "$PGDIR" >/dev/null 2>&1 || true
            echo "bench: kept $PGDIR (stopped; scripts/pg.sh start $PGDIR)" >&2
        else
            bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1 || echo "bench: could not remove $PGDIR" >&2
        fi
    fi
    if [[ -n ${BENCH_KEEP:-} ]]; then echo "bench: kept $TMP" >&2; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 40000))
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    die "no free loopback port found"
}

# http_ok PORT PATH: one GET over bash's /dev/tcp, no fork; true on 200.
http_ok() {
    local line
    {
        exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
        printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3 || { exec 3<&-; return 1; }
        IFS= read -r -t 2 line <&3 || line=""
        exec 3<&-
    } 2>/dev/null
    [[ $line == "HTTP/1."?" 200"* ]]
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
rss_tree_kb() {   # a process and its direct children (nginx master + workers)
    local total pid
    total=$(rss_kb "$1")
    for pid in $(cat "/proc/$1/task/"*/children 2>/dev/null); do total=$((total + $(rss_kb "$pid"))); done
    echo "$total"
}
kb_to_mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# to_ms VALUE: wrk latency like 812.00us / 1.23ms / 2.01s / 1.00m -> ms
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}

# bench_one NAME URL [HEADER]: runs wrk, fills RPS[NAME] P99[NAME] ERR[NAME]
declare -A RPS P99 ERR
run_wrk() {
    local name=$1 url=$2 header=${3:-} out=$TMP/wrk-$1.txt args=(-t"$THREADS" -c"$CONNS" --latency)
    [[ -n $header ]] && args+=(-H "$header")
    if ((WARMUP > 0)); then
        wrk "${args[@]}" -d"${WARMUP}s" "$url" >/dev/null 2>&1 || die "wrk warm-up failed for $name ($url)"
    fi
    log "wrk $name: ${SECONDS_RUN}s, $CONNS connections, $THREADS threads -> $url"
    wrk "${args[@]}" -d"${SECONDS_RUN}s" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $name"; }
    local rps p99 non2xx sock
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    [[ -n $rps && -n $p99 ]] || { cat "$out" >&2; die "could not read wrk output for $name"; }
    RPS[$name]=$(awk -v r="$rps" 'BEGIN {printf "%.0f", r}')
    P99[$name]=$(to_ms "$p99")
    non2xx=$(awk -F: '/Non-2xx or 3xx responses/ {gsub(/ /, "", $2); print $2}' "$out")
    sock=$(sed -n 's/^ *Socket errors: *//p' "$out")
    ERR[$name]=""
    [[ -n $non2xx && $non2xx != 0 ]] && ERR[$name]+="non-2xx/3xx: $non2xx; "
    [[ -n $sock ]] && ERR[$name]+="socket errors: $sock; "
    ERR[$name]=${ERR[$name]%; }
    [[ -n ${ERR[$name]} ]] && log "WARNING $name: ${ERR[$name]}"
    return 0
}

case $PG_WANT in
    0 | no | off) PG_WHY="BENCH_PG=0" ;;
    1 | yes | on) pg_probe || die "BENCH_PG=1 but PostgreSQL cannot be used: $PG_WHY"; PG=1 ;;
    auto) if pg_probe; then PG=1; else log "PostgreSQL skipped: $PG_WHY"; fi ;;
    *) die "BENCH_PG must be 0 or 1 (got '$PG_WANT')" ;;
esac

# Other work on the machine skews every figure: note the 1-minute load now.
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")

# ---------------------------------------------------------------- nginx
NGINX_PORT=$(free_port)
mkdir -p "$TMP/nginx/www" "$TMP/nginx/tmp"
head -c 1024 /dev/zero | tr '\0' 'x' >"$TMP/nginx/www/static.txt"
cat >"$TMP/nginx/nginx.conf" <<EOF
user root;
worker_processes auto;
daemon off;
master_process on;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type text/plain;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT reuseport;   # spread connections over the workers
        root $TMP/nginx/www;
    }
}
EOF
"$NGINX" -t -q -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" \
    || die "nginx rejected the generated config"
"$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" \
    </dev/null >>"$TMP/nginx/error.log" 2>&1 &
NGINX_PID=$!
for _ in $(seq 500); do
    http_ok "$NGINX_PORT" /static.txt && break
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited at start"
    sleep 0.01
done
http_ok "$NGINX_PORT" /static.txt || die "nginx did not answer on 127.0.0.1:$NGINX_PORT"

# ---------------------------------------------------------------- linli
# linli_up B DB: init a demo database at DB (a path or a postgres:// URL),
# serve it, log in, find the list; fills READY_B[B] RSS_IDLE_B[B] and the
# globals LINLI_PID LINLI_PORT BASE COOKIE LIST_PATH LIST_BYTES.
declare -A READY_B RSS_IDLE_B RSS_LOAD_B
linli_up() {
    local b=$1 db=$2 code n t0 t1 ready deadline
    LINLI_PORT=$(free_port)
    LINLI_DEMO_PASSWORD=$PASSWORD "$LINLI" init --demo --db "$db" </dev/null >"$TMP/init-$b.log" 2>&1 \
        || die "linli init --demo failed ($b)"

    # The poll loop forks nothing: the clock is $EPOCHREALTIME, the probe /dev/tcp.
    t0=${EPOCHREALTIME/[.,]/}
    LINLI_RATE_LIMIT=0 LINLI_ACCESS_LOG=off \
        "$LINLI" serve --listen "127.0.0.1:$LINLI_PORT" --db "$db" </dev/null >"$TMP/serve-$b.log" 2>&1 &
    LINLI_PID=$!
    ready=0
    deadline=$((t0 + 10000000))
    while (( ${EPOCHREALTIME/[.,]/} < deadline )); do
        if http_ok "$LINLI_PORT" /healthz; then ready=1; break; fi
        kill -0 "$LINLI_PID" 2>/dev/null || die "linli serve exited at start ($b)"
    done
    t1=${EPOCHREALTIME/[.,]/}
    ((ready)) || die "linli did not answer GET /healthz with 200 within 10 s ($b)"
    READY_B[$b]=$(awk -v d=$((t1 - t0)) 'BEGIN {printf "%.1f", d / 1000}')
    sleep 0.5
    RSS_IDLE_B[$b]=$(rss_kb "$LINLI_PID")

    # login
    BASE=http://127.0.0.1:$LINLI_PORT
    code=$(curl -sS -o "$TMP/healthz.json" -w '%{http_code}' "$BASE/healthz") || die "curl /healthz failed"
    [[ $code == 200 && $(json_get "$TMP/healthz.json" .status) == ok ]] \
        || die "GET /healthz answered $code ($b): $(head -c 300 "$TMP/healthz.json")"

    code=$(curl -sS -o "$TMP/login.json" -D "$TMP/login.headers" -w '%{http_code}' \
        -H 'Content-Type: application/json' \
        --data "{\"username\":\"worker\",\"password\":\"$PASSWORD\"}" "$BASE/api/session") \
        || die "curl POST /api/session failed"
    [[ $code == 200 ]] || die "POST /api/session answered $code ($b): $(head -c 300 "$TMP/login.json")"
    SESSION=$(tr -d '\r' <"$TMP/login.headers" | sed -n 's/^[Ss]et-[Cc]ookie: *linli_session=\([^;]*\).*/\1/p' | head -n1)
    [[ -n $SESSION ]] || die "POST /api/session set no linli_session cookie ($b)"
    COOKIE="Cookie: linli_session=$SESSION"

    code=$(curl -sS -o "$TMP/communities.json" -w '%{http_code}' -H "$COOKIE" "$BASE/api/communities") \
        || die "curl GET /api/communities failed"
    [[ $code == 200 ]] || die "GET /api/communities answered $code ($b): $(head -c 300 "$TMP/communities.json")"
    CID=$(json_get "$TMP/communities.json" '.communities[0].id')
    [[ $CID =~ ^[0-9]+$ ]] || die "no community id in GET /api/communities ($b): $(head -c 300 "$TMP/communities.json")"

    LIST_PATH="/api/communities/$CID/dwellings?limit=$LIST_LIMIT"
    code=$(curl -sS -o "$TMP/list.json" -w '%{http_code}' -H "$COOKIE" "$BASE$LIST_PATH") \
        || die "curl GET $LIST_PATH failed"
    [[ $code == 200 ]] || die "GET $LIST_PATH answered $code ($b): $(head -c 300 "$TMP/list.json")"
    n=$(json_get "$TMP/list.json" '.dwellings|length')
    [[ $n == "$LIST_LIMIT" ]] || die "GET $LIST_PATH returned $n dwellings, expected $LIST_LIMIT ($b)"
    LIST_BYTES=$(wc -c <"$TMP/list.json")
}

# linli_load B SUFFIX: the same linli requests; results under healthz$SUFFIX, list$SUFFIX.
linli_load() {
    local b=$1 sfx=$2
    run_wrk "healthz$sfx" "$BASE/healthz"
    run_wrk "list$sfx" "$BASE$LIST_PATH" "$COOKIE"
    kill -0 "$LINLI_PID" 2>/dev/null || die "linli serve died during the load ($b)"
    http_ok "$LINLI_PORT" /healthz || die "linli no longer answers GET /healthz after the load ($b)"
    sleep 0.5
    RSS_LOAD_B[$b]=$(rss_kb "$LINLI_PID")
}

# ---------------------------------------------------------------- load
run_wrk nginx "http://127.0.0.1:$NGINX_PORT/static.txt"

linli_up sqlite "$TMP/linli.db"
linli_load sqlite ""
RSS_NGINX=$(rss_tree_kb "$NGINX_PID")
stop_pid "$LINLI_PID"; LINLI_PID=""

PG_RSS=0
if ((PG)); then
    PGDIR=$(mktemp -d /tmp/linli-bench-pg.XXXXXX)
    log "PostgreSQL: a throwaway cluster in $PGDIR"
    PG_BASE=$(bash "$ROOT/scripts/pg.sh" start "$PGDIR") || die "scripts/pg.sh start $PGDIR failed"
    PG_URL=$(bash "$ROOT/scripts/pg.sh" createdb "$PGDIR" bench) || die "scripts/pg.sh createdb failed"
    PG_VERSION=$(psql -X -A -t -d "$PG_URL" -c 'SHOW server_version' 2>/dev/null | cut -d' ' -f1)
    linli_up pg "$PG_URL"
    linli_load pg "_pg"
    # the postmaster and its backends (one per linli worker thread that was used)
    PG_RSS=$(rss_tree_kb "$(head -n1 "$PGDIR/data/postmaster.pid")")
    stop_pid "$LINLI_PID"; LINLI_PID=""
fi

# ---------------------------------------------------------------- report
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", ((b > 0) ? 100 * a / b : 0)}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a >= b)}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; }
verdict() { if "$@"; then echo "met"; else echo "NOT MET"; fi; }

HZ_PCT=$(pct "${RPS[healthz]}" "${RPS[nginx]}")
LIST_PCT=$(pct "${RPS[list]}" "${RPS[nginx]}")
RSS_IDLE=${RSS_IDLE_B[sqlite]}
RSS_LOAD=${RSS_LOAD_B[sqlite]}
READY_MS=${READY_B[sqlite]}
CPU=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
[[ -n $CPU ]] || CPU=$(uname -m)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || [[ $COMMIT == none ]] || COMMIT+=" (+ uncommitted changes)"

echo
echo "linli bench  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  commit   $COMMIT"
echo "  machine  $(nproc) CPU(s), $CPU; $(uname -sr)"
LOAD_NOTE=""
awk -v l="$LOAD_BEFORE" 'BEGIN {exit !(l + 0 >= 0.5)}' && LOAD_NOTE="  <- the machine was busy: figures are low and noisy"
echo "  load     $LOAD_BEFORE (1-minute load average before the run)$LOAD_NOTE"
echo "  wrk      -t$THREADS -c$CONNS -d${SECONDS_RUN}s (after ${WARMUP}s warm-up), loopback, client and servers share the CPUs"
echo
if ((PG)); then
    # Both backends side by side: the same requests, the same wrk settings.
    errs() { local e=""; [[ -n ${ERR[$1]:-} ]] && e+="sqlite: ${ERR[$1]}"; [[ -n ${ERR[$1_pg]:-} ]] && e+="${e:+; }pg: ${ERR[$1_pg]}"; echo "${e:-none}"; }
    echo "  backends sqlite (file, synchronous=full) and pg (PostgreSQL ${PG_VERSION:-?}, Unix socket, fsync on), one after the other"
    echo
    printf '  %-34s %10s %9s %8s %10s %9s %8s  %s\n' "target" "sqlite r/s" "p99 ms" "vs nginx" "pg r/s" "p99 ms" "vs nginx" "errors"
    printf '  %-34s %10s %9s %8s %10s %9s %8s  %s\n' "----------------------------------" "----------" "---------" "--------" "----------" "---------" "--------" "------"
    printf '  %-34s %10s %9s %8s %10s %9s %8s  %s\n' "nginx static 1 KiB" "${RPS[nginx]}" "${P99[nginx]}" "100.0%" "" "" "" "${ERR[nginx]:-none}"
    printf '  %-34s %10s %9s %8s %10s %9s %8s  %s\n' "linli GET /healthz" "${RPS[healthz]}" "${P99[healthz]}" "$HZ_PCT%" \
        "${RPS[healthz_pg]}" "${P99[healthz_pg]}" "$(pct "${RPS[healthz_pg]}" "${RPS[nginx]}")%" "$(errs healthz)"
    printf '  %-34s %10s %9s %8s %10s %9s %8s  %s\n' "linli dwellings limit=$LIST_LIMIT (${LIST_BYTES} B)" "${RPS[list]}" "${P99[list]}" "$LIST_PCT%" \
        "${RPS[list_pg]}" "${P99[list_pg]}" "$(pct "${RPS[list_pg]}" "${RPS[nginx]}")%" "$(errs list)"
    echo
    printf '  %-34s %12s %12s\n' "" "sqlite" "pg"
    printf '  %-34s %12s %12s\n' "linli ready (spawn -> /healthz 200)" "$READY_MS ms" "${READY_B[pg]} ms"
    printf '  %-34s %12s %12s\n' "linli RSS idle" "$(kb_to_mb "$RSS_IDLE") MB" "$(kb_to_mb "${RSS_IDLE_B[pg]}") MB"
    printf '  %-34s %12s %12s\n' "linli RSS after load" "$(kb_to_mb "$RSS_LOAD") MB" "$(kb_to_mb "${RSS_LOAD_B[pg]}") MB"
    printf '  %-34s %12s %12s\n' "postgres RSS after load (all procs)" "" "$(kb_to_mb "$PG_RSS") MB"
    printf '  %-34s %12s\n' "nginx RSS after load (all procs)" "$(kb_to_mb "$RSS_NGINX") MB"
    echo
else
printf '  %-34s %12s %10s %8s  %s\n' "target" "req/s" "p99 ms" "vs nginx" "errors"
printf '  %-34s %12s %10s %8s  %s\n' "----------------------------------" "------------" "----------" "--------" "------"
printf '  %-34s %12s %10s %8s  %s\n' "nginx static 1 KiB" "${RPS[nginx]}" "${P99[nginx]}" "100.0%" "${ERR[nginx]:-none}"
printf '  %-34s %12s %10s %8s  %s\n' "linli GET /healthz" "${RPS[healthz]}" "${P99[healthz]}" "$HZ_PCT%" "${ERR[healthz]:-none}"
printf '  %-34s %12s %10s %8s  %s\n' "linli dwellings limit=$LIST_LIMIT (${LIST_BYTES} B)" "${RPS[list]}" "${P99[list]}" "$LIST_PCT%" "${ERR[list]:-none}"
echo
printf '  %-34s %12s\n' "linli ready (spawn -> /healthz 200)" "$READY_MS ms"
printf '  %-34s %12s\n' "linli RSS idle" "$(kb_to_mb "$RSS_IDLE") MB"
printf '  %-34s %12s\n' "linli RSS after load" "$(kb_to_mb "$RSS_LOAD") MB"
printf '  %-34s %12s\n' "nginx RSS after load (all procs)" "$(kb_to_mb "$RSS_NGINX") MB"
echo
fi
if ((PG)); then echo "  goals (informative; SQLite figures)"; else echo "  goals (informative)"; fi
printf '  %-34s %-10s %s\n' "healthz >= 60% of nginx req/s" "$(verdict ge "$HZ_PCT" 60)" "$HZ_PCT%"
printf '  %-34s %-10s %s\n' "list >= 20000 req/s" "$(verdict ge "${RPS[list]}" 20000)" "${RPS[list]} req/s"
printf '  %-34s %-10s %s\n' "idle RSS <= 16 MB" "$(verdict le "$RSS_IDLE" 16384)" "$(kb_to_mb "$RSS_IDLE") MB"
printf '  %-34s %-10s %s\n' "ready <= 100 ms" "$(verdict le "$READY_MS" 100)" "$READY_MS ms"
echo
exit 0
