#!/usr/bin/env bash
# Owners' votes under load: 10,000 owners, ballots cast through the API from
# 32 concurrent clients (target 1,000 ballots/s sustained), then kill -9 and
# a count of what survived (target: none lost); then the same with SQLite
# syncing every commit itself, for comparison.  See bench/votes.mjs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x build/linli ] || make -s build/linli
echo "== synchronous=full with the group sync (the default)"
LINLI_BIN=$PWD/build/linli node bench/votes.mjs
echo "== reference in the same run: synchronous=full, SQLite syncing every commit (LINLI_GROUP_COMMIT=0)"
LINLI_GROUP_COMMIT=0 LINLI_BIN=$PWD/build/linli node bench/votes.mjs | tail -n 3
