#!/usr/bin/env bash
# Installs the Debian 12 packages linli needs, only those missing.
# Idempotent: apt-get runs only when a check fails.
#   bash scripts/deps.sh build   compiler and libraries (make run)
#   bash scripts/deps.sh test    + cmocka, clang/libFuzzer, node, chromium (make test)
#   bash scripts/deps.sh bench   + wrk, nginx, curl (make bench)
set -euo pipefail
group=${1:-build}

build_pkgs=(gcc make pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev libqrencode-dev)
test_pkgs=(libcmocka-dev clang libclang-rt-14-dev chromium fonts-wqy-microhei sqlite3 postgresql)
bench_pkgs=(wrk nginx-light curl python3-numpy python3-sklearn postgresql)

want=("${build_pkgs[@]}")
case "$group" in
build) ;;
test) want+=("${test_pkgs[@]}") ;;
bench) want+=("${bench_pkgs[@]}") ;;
*) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
# Node.js: any node >= 18 will do (Debian 12 ships 18); install Debian's
# only when there is none, so a newer one already on the machine is kept.
if [ "$group" = test ] && ! command -v node >/dev/null 2>&1; then
	missing+=(nodejs npm)
fi
if [ "$group" = test ] && ! command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
	missing+=(npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	# The tests start their own throwaway PostgreSQL (scripts/pg.sh): tell
	# Debian's package not to create and start a system cluster as well.
	if printf '%s\n' "${missing[@]}" | grep -qx postgresql; then
		$sudo mkdir -p /etc/postgresql-common/createcluster.d
		echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/linli.conf >/dev/null
	fi
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# playwright-core for the browser tests, from the npm registry, pinned by the lock file.
if [ "$group" = test ] && [ -f tests/e2e/package.json ] && [ ! -d tests/e2e/node_modules/playwright-core ]; then
	echo "deps: npm ci in tests/e2e"
	(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
exit 0
