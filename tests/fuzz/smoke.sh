#!/usr/bin/env bash
# smoke.sh - a short libFuzzer run of each target, for `make fuzz-smoke`
# and the test runner.
#
# usage: tests/fuzz/smoke.sh build/fuzz/fuzz_router build/fuzz/fuzz_json ...
#
# Each binary runs with -runs=20000 -max_total_time=20 over a copy of its
# seeds (tests/fuzz/seeds/NAME, next to this script), so the run's new
# corpus entries never touch the repository.  Prints one line per target,
#   fuzz: NAME ok (N runs)      or      fuzz: NAME FAILED (...)
# then `fuzz: N passed, M failed`, and exits non-zero when any failed.
# A crashing input is kept (its path is printed) with the tail of the log.
set -u

here=$(cd "$(dirname "$0")" && pwd)
runs=${FUZZ_RUNS:-20000}
secs=${FUZZ_SECONDS:-20}
passed=0
failed=0

if [ $# -eq 0 ]; then
	echo "usage: $0 FUZZ_BINARY..." >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/linli-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

for bin in "$@"; do
	name=$(basename "$bin")
	if [ ! -x "$bin" ]; then
		echo "fuzz: $name FAILED (no such executable: $bin)"
		failed=$((failed + 1))
		continue
	fi
	corpus="$work/$name/corpus"
	artifacts="$work/$name/artifacts"
	log="$work/$name/log"
	mkdir -p "$corpus" "$artifacts"
	if [ -d "$here/seeds/$name" ]; then
		cp -R "$here/seeds/$name/." "$corpus/"
	else
		echo "fuzz: $name: no seeds in $here/seeds/$name (starting empty)" >&2
	fi

	"$bin" -runs="$runs" -max_total_time="$secs" -print_final_stats=0 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
	rc=$?
	n=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$log" | tail -n 1)

	if [ "$rc" -eq 0 ] && [ -n "$n" ]; then
		echo "fuzz: $name ok ($n runs)"
		passed=$((passed + 1))
		continue
	fi

	failed=$((failed + 1))
	keep=$(mktemp -d "${TMPDIR:-/tmp}/linli-fuzz-$name.XXXXXX")
	cp "$log" "$keep/log"
	cp -R "$artifacts/." "$keep/" 2>/dev/null
	crash=$(ls "$keep" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -n 1)
	echo "fuzz: $name FAILED (exit $rc${crash:+; input $keep/$crash}; log $keep/log)"
	grep -E 'ERROR:|SUMMARY:| in LLVMFuzzerTestOneInput| in check|^ *#[0-9]+ .* in [a-z_]+ /' "$log" |
		grep -v -E '__sanitizer|libFuzzer|fuzzer::' | head -n 12 | sed 's/^/    /'
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
