#!/usr/bin/env bash
# The chat benchmark (issue 12): `groupbuy bench chat` against our `groupbuy api` and, in the same
# run, against bench/chat-peer (the original product's aiohttp chat server rebuilt from its
# description), each case on ours then on the peer, so the ratio is read off one machine.
#
#   bench/chat.sh
#
# Environment: GROUPBUY (the binary, default $CARGO_TARGET_DIR/release/groupbuy), CASES (default
# "100:20 1000:20 1000:80 10000:idle 1000:20,40:2", clients:rates[:processes]; a case on two of our
# processes sharing Redis has no peer, which runs on one node only), PEER_CORE (set to 1 to have the peer make the
# original's HTTP calls to our API: access check per connect, hand-off per message). Each case gets
# a fresh database (gb_chatbench) and a fresh API process on 127.0.0.1:8320; the peer listens on
# 127.0.0.1:8330. Needs PostgreSQL and Redis as scripts/services.sh starts them, and python3
# (the peer's pinned aiohttp and PyJWT are installed into .groupbuy/chat-peer).
set -euo pipefail
cd "$(dirname "$0")/.."

GROUPBUY=${GROUPBUY:-${CARGO_TARGET_DIR:-target}/release/groupbuy}
CASES=${CASES:-"100:20 1000:20 1000:80 10000:idle 1000:20,40:2"}
KEY=chat-bench-key
VENV=.groupbuy/chat-peer
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gb_chatbench QUEUE_NAMESPACE=chatbench
export SERVICE_API_KEYS=$KEY RUST_LOG=warn
export JWT_SECRET=${JWT_SECRET:-$(openssl rand -hex 32)}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet aiohttp==3.14.5 PyJWT==2.15.1
fi

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; pids=(); }
trap stop EXIT
wait_for() { for _ in $(seq 1 50); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "$1 did not come up" >&2; exit 1; }

fresh() {
  stop
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE IF EXISTS gb_chatbench WITH (FORCE)" \
    -c "CREATE DATABASE gb_chatbench" >/dev/null
  "$GROUPBUY" migrate >/dev/null
  for port in $(seq 8320 $((8319 + $1))); do
    HTTP_ADDR=127.0.0.1:$port "$GROUPBUY" api >"/tmp/groupbuy-chat-bench-api-$port.log" 2>&1 &
    pids+=($!)
    wait_for "http://127.0.0.1:$port/ready"
  done
  local core=()
  [ "${PEER_CORE:-0}" = 1 ] && core=(--core-url http://127.0.0.1:8320/api --core-key "$KEY")
  "$VENV/bin/python" bench/chat-peer/original_chat_server.py --port 8330 "${core[@]}" &
  pids+=($!)
  wait_for http://127.0.0.1:8330/health
}

for case in $CASES; do
  IFS=: read -r clients rates processes <<<"$case"
  processes=${processes:-1}
  mode=(--rates "$rates")
  rooms=1
  if [ "$rates" = idle ]; then mode=(--idle --connect-concurrency 256); rooms=100; fi
  servers=(groupbuy peer)
  [ "$processes" -gt 1 ] && servers=(groupbuy)
  for server in "${servers[@]}"; do
    fresh "$processes"
    urls=()
    for port in $(seq 8320 $((8319 + processes))); do urls+=(--url "http://127.0.0.1:$port"); done
    [ $server = peer ] && urls=(--url http://127.0.0.1:8330)
    echo "== $server ($processes process(es)): $clients clients in $rooms room(s), $rates; $(uptime | sed 's/.*load/load/')"
    "$GROUPBUY" bench chat "${urls[@]}" --api-url http://127.0.0.1:8320 --service-key "$KEY" \
      --clients "$clients" --rooms "$rooms" "${mode[@]}" | grep -v '^| rate\|^| ---' || true
  done
done
