#!/usr/bin/env bash
# Owners' votes under load: 10,000 owners, ballots cast through the API from
# 32 concurrent clients (target 1,000 ballots/s sustained), then kill -9 and
# a count of what survived (target: none lost).  See bench/votes.mjs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x build/linli ] || make -s build/linli
LINLI_BIN=$PWD/build/linli node bench/votes.mjs
