#!/usr/bin/env bash
# Runs every test stage against the sanitizer build and prints one closing
# line: "test: N passed, N failed, N skipped".  Called by `make test`.
#   stages: unit (cmocka), api + cli (node:test against build/asan/linli),
#           e2e (playwright-core + Debian chromium), fuzz smoke (libFuzzer)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export LINLI_BIN=$root/build/asan/linli
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0 skip=0 broken=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# PostgreSQL: a throwaway cluster for this run (scripts/pg.sh: Unix socket in
# its own directory, stopped and deleted at exit). The storage unit tests, the
# API tests and the browser tests run on it as well. TEST_PG=0 skips it.
pg_dir="" pg_base=""
if [ "${TEST_PG:-1}" != 0 ]; then
	pg_dir=$(mktemp -d /tmp/linli-pg.XXXXXX)
	trap 'bash scripts/pg.sh destroy "$pg_dir" >/dev/null 2>&1; rm -rf "$log"' EXIT
	if pg_base=$(bash scripts/pg.sh start "$pg_dir" 2>"$log/pg.err") &&
		LINLI_TEST_PG=$(bash scripts/pg.sh createdb "$pg_dir" unit_store 2>>"$log/pg.err"); then
		export LINLI_TEST_PG # tests/unit/test_store.c runs its PostgreSQL group on it
		echo "== PostgreSQL: $pg_base"
	else
		echo "== PostgreSQL did not start:"; cat "$log/pg.err"
		broken+=(postgres); pg_base=""
	fi
fi

count() { # file regex -> first captured number, summed over matches
	grep -Eo "$2" "$1" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}'
}

stage() { # name, command...
	local name=$1; shift
	local out=$log/$name.out start=$SECONDS
	echo "== $name"
	"$@" >"$out" 2>&1
	local rc=$?
	# cmocka: "[  PASSED  ] 12 test(s)."  node: "# pass 12"  fuzz: "fuzz: 3 passed, 0 failed"
	local p f s
	p=$(( $(count "$out" '\[  PASSED  \] [0-9]+') + $(count "$out" '^# pass [0-9]+') + $(count "$out" '^fuzz: [0-9]+ passed') ))
	f=$(( $(count "$out" '\[  FAILED  \] [0-9]+ test') + $(count "$out" '^# fail [0-9]+') + $(grep -Eo '^fuzz: [0-9]+ passed, [0-9]+ failed' "$out" | awk '{s+=$4} END {print s+0}') ))
	s=$(( $(count "$out" '^# skipped [0-9]+') ))
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ $rc -ne 0 ] || [ "$f" -ne 0 ]; then
		broken+=("$name")
		tail -n 80 "$out"
	else
		grep -E '^# (tests|pass|fail|skipped)|SKIP|skipped|^fuzz:' "$out" | grep -v '^# todo' | tail -n 8
	fi
	echo "   $name: $p passed, $f failed, $s skipped, exit $rc ($((SECONDS - start)) s)"
}

for t in build/asan/test_*; do
	[ -x "$t" ] && stage "unit-$(basename "$t" | sed 's/^test_//')" "$t"
done
stage api node --test --test-concurrency=1 tests/api/ tests/cli/
# tests/cli stays on SQLite (backup/restore, the sqlite3 shell, database files).
# Two files at a time on PostgreSQL: the cluster, not the ASan server, is
# what each file waits on there; except the one that restarts the cluster
# under a running server (multiprocess), which runs alone afterwards.
if [ -n "$pg_base" ]; then
	pg_files=()
	for f in tests/api/*.test.mjs; do
		[ "$f" = tests/api/multiprocess.test.mjs ] || pg_files+=("$f")
	done
	stage api-pg env LINLI_TEST_PG_BASE="$pg_base" LINLI_KEY_FILE="$log/pg.key" node --test --test-concurrency=2 "${pg_files[@]}"
	stage api-pg-restart env LINLI_TEST_PG_BASE="$pg_base" LINLI_KEY_FILE="$log/pg.key" node --test tests/api/multiprocess.test.mjs
fi
if [ -d tests/e2e/node_modules/playwright-core ]; then
	stage e2e bash -c 'cd tests/e2e && node --test'
	# On PostgreSQL the browser walks the flows whose SQL differs most (the
	# API stage runs every route on it): structure, an owners' vote, an
	# emergency activation.
	[ -n "$pg_base" ] && stage e2e-pg env LINLI_TEST_PG_BASE="$pg_base" LINLI_KEY_FILE="$log/pg.key" bash -c 'cd tests/e2e && node --test login_structure.test.mjs votes.test.mjs emergency.test.mjs'
else
	echo "== e2e SKIPPED: tests/e2e/node_modules is missing (run: bash scripts/deps.sh test)"
	skip=$((skip + 1))
fi
fuzz=(build/fuzz/fuzz_*)
if [ -x "${fuzz[0]}" ]; then
	stage fuzz bash tests/fuzz/smoke.sh "${fuzz[@]}"
fi

echo
if [ ${#broken[@]} -gt 0 ]; then
	echo "failed stages: ${broken[*]}"
	[ "$fail" -eq 0 ] && fail=${#broken[@]}
fi
echo "test: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
