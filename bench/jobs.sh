#!/usr/bin/env bash
# Issue 3's job benchmark: groupbuy's worker runtime and BullMQ, same Redis, same machine, same
# N, workers and concurrency, one after the other in one go.
#   bench/jobs.sh [N=30000] [WORKERS=1,2,4] [CONCURRENCY=100]
# Our workers fetch and poll as production's do (a batch of CONCURRENCY, every 200 ms when idle);
# BATCH=n and POLL_MS=n override that.
# Needs a release build (GROUPBUY, default $CARGO_TARGET_DIR/release/groupbuy), Node.js, and the
# demo data for lifecycle jobs (`groupbuy seed`); installs BullMQ under bench/bullmq once.
set -euo pipefail
N=${1:-30000}; WORKERS=${2:-1,2,4}; CONCURRENCY=${3:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
GROUPBUY=${GROUPBUY:-${CARGO_TARGET_DIR:-$HERE/../target}/release/groupbuy}
[ -d "$HERE/bullmq/node_modules/bullmq" ] || (cd "$HERE/bullmq" && npm install --no-audit --no-fund >/dev/null)
echo "== groupbuy bench jobs ($N jobs, workers $WORKERS, concurrency $CONCURRENCY)"
"$GROUPBUY" seed >/dev/null
"$GROUPBUY" bench jobs --jobs "$N" --workers "$WORKERS" --concurrency "$CONCURRENCY" ${BATCH:+--batch "$BATCH"} ${POLL_MS:+--poll-ms "$POLL_MS"}
echo "== BullMQ $(node -e "console.log(require('$HERE/bullmq/node_modules/bullmq/package.json').version)")"
node "$HERE/bullmq/bench.mjs" "$N" "$WORKERS" "$CONCURRENCY"
