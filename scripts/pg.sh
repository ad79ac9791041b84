#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, in a directory of
# its own, reachable only over a Unix socket in that directory.
#
#   scripts/pg.sh start DIR          create (first time) and start; prints the base URL
#   scripts/pg.sh url DIR            prints the base URL
#   scripts/pg.sh createdb DIR NAME  (re)creates database NAME, empty; prints its URL
#   scripts/pg.sh dropdb DIR NAME    drops database NAME (if it exists)
#   scripts/pg.sh status DIR         exit 0 when running, 3 when stopped
#   scripts/pg.sh stop DIR           fast shutdown (open connections are cut)
#   scripts/pg.sh restart DIR        fast shutdown, then start
#   scripts/pg.sh destroy DIR        stop and delete DIR
#
# The base URL is postgres://linli@/postgres?host=DIR&port=PORT: role `linli`
# (LOGIN CREATEDB, not a superuser), trust authentication, no TCP listener
# (listen_addresses=''), fsync on.  Every command is idempotent: start on a
# running cluster only prints the URL, stop on a stopped one does nothing.
#
# Environment:
#   PG_BIN   directory of initdb/pg_ctl/psql (default: the newest
#            /usr/lib/postgresql/*/bin, then PATH)
#   PG_PORT  port for a new cluster (default 5432; it only names the socket
#            file DIR/.s.PGSQL.PORT, so it never meets a system cluster)
#
# initdb refuses to run as root: as root, the cluster is created and run by
# the `postgres` system user (runuser), and DIR is chowned to it.  As any
# other user, it runs as that user.  A directory this script did not create
# (no DIR/linli-pg marker) is never touched, and neither is anything under
# /var/lib/postgresql or /etc/postgresql.
set -euo pipefail

# Nothing from the caller's environment may steer a command at another cluster.
unset PGDATA PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGSERVICEFILE PGPASSFILE PGOPTIONS

ROLE=linli
MARK=linli-pg

die() { echo "pg.sh: error: $*" >&2; exit 1; }
usage() {
	sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

find_bin() {
	if [[ -n ${PG_BIN:-} ]]; then
		[[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl ]] || die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
		echo "$PG_BIN"; return
	fi
	local d best=""
	# newest major version first (version sort of the directory names)
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
		[[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] && best=$d
	done
	if [[ -z $best ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
		best=$(dirname "$(readlink -f "$(command -v initdb)")")
	fi
	[[ -n $best ]] || die "no PostgreSQL server binaries (initdb, pg_ctl) found; install them with: bash scripts/deps.sh test (Debian package postgresql)"
	echo "$best"
}

# as_owner CMD...: run a server command as the cluster's owner.
as_owner() {
	if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# urlenc TEXT: percent-encode everything but unreserved characters and '/'.
urlenc() {
	local s=$1 out="" c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9/._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	echo "$out"
}

check_dir() { # DIR must be absolute-able, not a system location
	local dir=$1
	case $dir in
	/var/lib/postgresql | /var/lib/postgresql/* | /etc/postgresql | /etc/postgresql/* | /var/run/postgresql* | /run/postgresql*)
		die "$dir belongs to the system's PostgreSQL; give a directory of your own" ;;
	/ | /tmp | /var | /usr | /etc | /root | /home) die "refusing to use $dir itself; give a new directory" ;;
	esac
}

ours() { [[ -f $1/$MARK ]]; }

need_ours() { # DIR: must be a cluster this script made
	[[ -d $1 ]] || die "$1 does not exist (create the cluster with: scripts/pg.sh start $1)"
	ours "$1" || die "$1 is not a cluster made by scripts/pg.sh (no $1/$MARK); not touching it"
	[[ -f $1/data/PG_VERSION ]] || die "$1/$MARK is there but $1/data is not a cluster; delete $1 and start again"
}

port_of() { sed -n 's/^port=//p' "$1/$MARK"; }

base_url() { echo "postgres://$ROLE@/postgres?host=$(urlenc "$1")&port=$(port_of "$1")"; }

db_url() { echo "postgres://$ROLE@/$2?host=$(urlenc "$1")&port=$(port_of "$1")"; }

running() { as_owner "$BIN/pg_ctl" status -D "$1/data" >/dev/null 2>&1; }

psql_admin() { # DIR SQL: run one statement as the role linli on database postgres (notices off)
	PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$1" -p "$(port_of "$1")" -U "$ROLE" -d postgres -c "$2" >/dev/null
}

init_cluster() {
	local dir=$1 port=${PG_PORT:-5432}
	[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "PG_PORT must be a port number (got '$port')"
	# sun_path holds 107 bytes: DIR/.s.PGSQL.PORT must fit.
	local sock="$dir/.s.PGSQL.$port"
	((${#sock} <= 100)) || die "$dir is too long for a Unix socket path (${#sock} bytes, at most 100); use a shorter directory such as one from mktemp -d"
	if [[ -e $dir ]]; then
		[[ -d $dir ]] || die "$dir exists and is not a directory"
		[[ -z $(ls -A "$dir") ]] || die "$dir is not empty and not a cluster made by scripts/pg.sh; not touching it"
	else
		mkdir -p "$dir"
	fi
	mkdir -p "$dir/data" "$dir/log"
	chmod 0755 "$dir"
	chmod 0700 "$dir/data"
	if ((EUID == 0)); then
		getent passwd postgres >/dev/null || die "there is no 'postgres' system user to run the server as (install the Debian package postgresql)"
		chown -R postgres: "$dir"
		runuser -u postgres -- test -w "$dir" -a -x "$dir" \
			|| die "the postgres user cannot reach $dir (a parent directory is closed to it); use a directory under /tmp"
	fi
	local out
	if ! out=$(as_owner "$BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=reject \
		-E UTF8 --locale=C.UTF-8 --no-instructions 2>&1); then
		echo "$out" >&2
		die "initdb failed in $dir/data"
	fi
	# Our settings last in the file: they win over the defaults above them.
	as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# ---- scripts/pg.sh: a throwaway cluster on a Unix socket only
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0777
port = $port
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 400
shared_buffers = 64MB
log_min_messages = warning
log_min_error_statement = error
log_line_prefix = '%m [%p] %d '
EOF
	printf 'local all all trust\n' | as_owner tee "$dir/data/pg_hba.conf" >/dev/null
	printf 'port=%s\nbin=%s\n' "$port" "$BIN" | as_owner tee "$dir/$MARK" >/dev/null
}

start() {
	local dir=$1
	if ! ours "$dir"; then
		init_cluster "$dir"
		local fresh=1
	fi
	need_ours "$dir"
	if ! running "$dir"; then
		as_owner "$BIN/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/log/postgresql.log" -s >/dev/null 2>&1 || {
			tail -n 20 "$dir/log/postgresql.log" >&2 2>/dev/null || true
			die "the server in $dir did not start (log: $dir/log/postgresql.log)"
		}
	fi
	if [[ -n ${fresh:-} ]]; then
		"$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$(port_of "$dir")" -U postgres -d postgres \
			-c "CREATE ROLE $ROLE LOGIN CREATEDB" >/dev/null || die "could not create the role $ROLE"
		"$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$(port_of "$dir")" -U postgres -d postgres \
			-c "ALTER DATABASE postgres OWNER TO $ROLE" >/dev/null
	fi
	base_url "$dir"
}

stop() {
	local dir=$1
	[[ -d $dir ]] || return 0
	need_ours "$dir"
	running "$dir" || return 0
	as_owner "$BIN/pg_ctl" stop -w -t 60 -m fast -D "$dir/data" -s >/dev/null \
		|| die "the server in $dir did not stop (log: $dir/log/postgresql.log)"
}

check_name() {
	[[ $1 =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "database name '$1': use lower-case letters, digits and _ (at most 63, not starting with a digit)"
	[[ $1 != postgres && $1 != template0 && $1 != template1 ]] || die "database name '$1' is reserved"
}

cmd=${1:-}
[[ -n $cmd && -n ${2:-} ]] || usage
dir=$2
[[ $dir == /* ]] || dir=$PWD/$dir
dir=${dir%/}
check_dir "$dir"
BIN=$(find_bin)
# A cluster keeps the binaries it was made with (a second major version
# installed later must not be pointed at its data directory).
if [[ -f $dir/$MARK ]]; then
	made=$(sed -n 's/^bin=//p' "$dir/$MARK")
	[[ -n $made && -x $made/pg_ctl ]] && BIN=$made
fi
PSQL=$BIN/psql
[[ -x $PSQL ]] || PSQL=$(command -v psql || true)

case $cmd in
start)
	[[ $# -eq 2 ]] || usage
	start "$dir" ;;
url)
	[[ $# -eq 2 ]] || usage
	need_ours "$dir"
	base_url "$dir" ;;
status)
	[[ $# -eq 2 ]] || usage
	need_ours "$dir"
	if running "$dir"; then echo "running: $(base_url "$dir")"; else echo "stopped: $dir"; exit 3; fi ;;
stop)
	[[ $# -eq 2 ]] || usage
	stop "$dir" ;;
restart)
	[[ $# -eq 2 ]] || usage
	need_ours "$dir"
	stop "$dir"
	start "$dir" ;;
createdb)
	[[ $# -eq 3 ]] || usage
	need_ours "$dir"
	check_name "$3"
	running "$dir" || die "the server in $dir is not running (scripts/pg.sh start $dir)"
	psql_admin "$dir" "DROP DATABASE IF EXISTS $3 WITH (FORCE)"
	psql_admin "$dir" "CREATE DATABASE $3 OWNER $ROLE"
	db_url "$dir" "$3" ;;
dropdb)
	[[ $# -eq 3 ]] || usage
	need_ours "$dir"
	check_name "$3"
	running "$dir" || exit 0
	psql_admin "$dir" "DROP DATABASE IF EXISTS $3 WITH (FORCE)" ;;
destroy)
	[[ $# -eq 2 ]] || usage
	[[ -d $dir ]] || exit 0
	need_ours "$dir"
	stop "$dir"
	rm -rf "$dir" ;;
*) usage ;;
esac
