#!/usr/bin/env bash
# The API load benchmark (issue 2): `groupbuy bench api`, then wrk as a second opinion.
#
#   bench/api.sh [URL]            default URL http://127.0.0.1:8100
#
# Environment: KEY (service key, default bench-key), GROUPBUY (the binary, default
# $CARGO_TARGET_DIR/release/groupbuy), CONNS (64), DURATION (10), THREADS (wrk threads, 2),
# PROCUREMENTS (1000). The server must run with SERVICE_API_KEYS containing KEY, e.g.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/groupbuy_bench SERVICE_API_KEYS=bench-key \
#     DEMO_DATA=false HTTP_ADDR=127.0.0.1:8100 target/release/groupbuy all
#
# Needs curl, jq and wrk (apt-get install -y wrk). Output goes to stdout and $OUT (/tmp/groupbuy-bench).
set -euo pipefail

URL=${1:-http://127.0.0.1:8100}
KEY=${KEY:-bench-key}
GROUPBUY=${GROUPBUY:-${CARGO_TARGET_DIR:-target}/release/groupbuy}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
PROCUREMENTS=${PROCUREMENTS:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/groupbuy-bench}
mkdir -p "$OUT"
AUTH="Authorization: Bearer $KEY"

# Reads with the key (as the bots read), joins, then the reads again as anonymous visitors.
echo "== groupbuy bench api"
"$GROUPBUY" bench api --url "$URL" --service-key "$KEY" --connections "$CONNS" \
  --duration "$DURATION" --procurements "$PROCUREMENTS" | tee "$OUT/groupbuy-bench.txt"
echo "== groupbuy bench api (anonymous reads)"
"$GROUPBUY" bench api --url "$URL" --service-key "$KEY" --connections "$CONNS" \
  --duration "$DURATION" --procurements "$PROCUREMENTS" --scenarios list,detail,search \
  --anonymous-reads | tee "$OUT/groupbuy-bench-anonymous.txt"

echo "== data for wrk"
get() { curl -fsS -H "$AUTH" "$URL$1"; }
pages=$(( ($(get "/api/procurements/" | jq .count) + 19) / 20 ))
public_pages=$(( ($(curl -fsS "$URL/api/procurements/" | jq .count) + 19) / 20 ))
active_pages=$(( ($(get "/api/procurements/?status=active" | jq .count) + 19) / 20 ))
: > "$OUT/ids.txt"
for p in $(seq 1 "$active_pages"); do
  get "/api/procurements/?status=active&page=$p" | jq -r '.results[] | select(.can_join) | .id' >> "$OUT/ids.txt"
done
words="honey cheese coffee olive buckwheat salmon walnuts apples diapers tea"
run=$(date +%s)
: > "$OUT/buyers.txt"
: > "$OUT/joiners.txt"
for i in $(seq 1 "$CONNS"); do
  for who in buyers joiners; do
    curl -fsS -H "$AUTH" -H 'Content-Type: application/json' "$URL/api/users/" \
      -d "{\"platform\":\"telegram\",\"platform_user_id\":\"wrk-$who-$run-$i\",\"first_name\":\"Wrk\"}" |
      jq -r .id >> "$OUT/$who.txt"
  done
done
echo "$pages list pages, $(wc -l < "$OUT/ids.txt") joinable procurements, $(wc -l < "$OUT/buyers.txt") buyers"

anon() { wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$@"; }
w() { anon -H "$AUTH" "$@"; }
echo "== wrk list (anonymous)";   anon -s "$HERE/wrk/list.lua"   "$URL" -- "$public_pages" | tee "$OUT/wrk-list.txt"
echo "== wrk detail (anonymous)"; anon -s "$HERE/wrk/detail.lua" "$URL" -- "$OUT/ids.txt" | tee "$OUT/wrk-detail.txt"
# shellcheck disable=SC2086
echo "== wrk search (anonymous)"; anon -s "$HERE/wrk/search.lua" "$URL" -- $words | tee "$OUT/wrk-search.txt"
echo "== wrk list (key)";   w -s "$HERE/wrk/list.lua"   "$URL" -- "$pages"  | tee "$OUT/wrk-list-key.txt"
echo "== wrk detail (key)"; w -s "$HERE/wrk/detail.lua" "$URL" -- "$OUT/ids.txt" | tee "$OUT/wrk-detail-key.txt"
# shellcheck disable=SC2086
echo "== wrk search (key)"; w -s "$HERE/wrk/search.lua" "$URL" -- $words | tee "$OUT/wrk-search-key.txt"
echo "== wrk join (joins alone)"
w -s "$HERE/wrk/join.lua" "$URL" -- "$OUT/ids.txt" "$OUT/joiners.txt" "$THREADS" join-only | tee "$OUT/wrk-join.txt"
echo "== wrk join+leave"
w -s "$HERE/wrk/join.lua" "$URL" -- "$OUT/ids.txt" "$OUT/buyers.txt" "$THREADS" | tee "$OUT/wrk-join-leave.txt"
