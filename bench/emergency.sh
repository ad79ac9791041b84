#!/usr/bin/env bash
# Emergency check-ins under burst: 10,000 households checking in through
# their door cards from 32 concurrent clients within 60 s (p99 <= 100 ms),
# none lost after kill -9, on SQLite with synchronous=FULL and the group
# commit; and the live view at 10,000 households (<= 50 ms), over HTTP and
# computed in the process (bench/emergency_live.c, linked with the server's
# own objects).  Then the check-ins again with SQLite syncing every commit
# itself, for comparison.  See bench/emergency.mjs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x build/linli ] || make -s build/linli
[[ -f build/obj/routes.o ]] || { echo "bench emergency: build/obj is missing; run make first" >&2; exit 1; }
mkdir -p build/bench
PKGS="libmicrohttpd jansson libsodium sqlite3 libpq libqrencode xlsxwriter"
OBJS=$(find build/obj -name '*.o' ! -path build/obj/main.o | LC_ALL=C sort)
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c17 -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -Wformat=2 -Wvla -Wno-missing-field-initializers -O2 -g $(pkg-config --cflags $PKGS) \
    -o build/bench/emergency_live bench/emergency_live.c $OBJS $(pkg-config --libs $PKGS) -lpthread -lm
echo "== synchronous=full with the group sync (the default): 10,000 households within 55 s"
PACE_SECONDS=55 EMERGENCY_LIVE_BIN=$PWD/build/bench/emergency_live LINLI_BIN=$PWD/build/linli node bench/emergency.mjs
echo "== the same, as fast as the server answers (the ceiling)"
LINLI_BIN=$PWD/build/linli node bench/emergency.mjs | grep -E 'check-ins|group sync|after kill'

echo "== reference in the same run: synchronous=full, SQLite syncing every commit (LINLI_GROUP_COMMIT=0)"
LINLI_GROUP_COMMIT=0 LINLI_BIN=$PWD/build/linli node bench/emergency.mjs | grep -E 'check-ins|after kill'
