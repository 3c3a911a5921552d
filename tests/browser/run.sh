#!/usr/bin/env bash
# The admin app in headless Chromium against a real server: builds what is missing, starts
# `groupbuy api` on a fresh database (migrated, demo data, one staff user, one dead job in its
# own Redis namespace) on a free port, runs admin.test.mjs, and stops and removes it all.
# Needs PostgreSQL and Redis (scripts/services.sh), Node.js and Debian's chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

chromium_bin=${CHROMIUM:-/usr/bin/chromium}
[[ -x "$chromium_bin" ]] || { echo "browser tests: $chromium_bin missing (apt-get install chromium)" >&2; exit 1; }
[[ -f admin-ui/dist/index.html ]] || bash admin-ui/build.sh
(cd "$here" && npm ci --no-audit --no-fund --silent)

target_dir=${CARGO_TARGET_DIR:-$root/target}
cargo build -q --bin groupbuy
bin="$target_dir/debug/groupbuy"

run_id="browser_$$_$(date +%s)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/groupbuy_$run_id"
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export QUEUE_NAMESPACE="groupbuy_$run_id"
export HTTP_ADDR="127.0.0.1:$port"
export SERVICE_API_KEYS="browser-test-key"
export DEMO_DATA=true
export ADMIN_UI_DIR="$root/admin-ui/dist"
export JWT_SECRET="browser-test-secret"
export RUST_LOG=${RUST_LOG:-warn}
staff_user=staff
staff_password="browser-$RANDOM-$RANDOM"
log="$here/server.log"
server=""

cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "groupbuy_$run_id" 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$QUEUE_NAMESPACE:*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null || true
}
trap cleanup EXIT

"$bin" migrate >/dev/null
"$bin" seed >/dev/null
"$bin" createsuperuser --username "$staff_user" --password "$staff_password" >/dev/null

# A job that failed for good, for the dead-letter page to retry: a notification that is not
# there, laid out as the workers leave a dead job (workers/src/admin.rs reads this layout).
dead_task="deliver_notification:999999:1"
redis-cli -u "$REDIS_URL" sadd "$QUEUE_NAMESPACE:notifications:dead" "$dead_task" >/dev/null
redis-cli -u "$REDIS_URL" hset "$QUEUE_NAMESPACE:notifications:data" "$dead_task" \
  '{"kind":"deliver_notification","notification_id":999999}' >/dev/null
redis-cli -u "$REDIS_URL" hset "$QUEUE_NAMESPACE:notifications:meta:$dead_task" attempts 8 \
  result "permanent: notification 999999 not found" >/dev/null

"$bin" api >"$log" 2>&1 &
server=$!
for _ in $(seq 1 150); do
  curl -fs "http://$HTTP_ADDR/ready" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "browser tests: the server died:" >&2; tail -20 "$log" >&2; exit 1; }
  sleep 0.2
done
curl -fs "http://$HTTP_ADDR/ready" >/dev/null || { echo "browser tests: the server never got ready" >&2; tail -20 "$log" >&2; exit 1; }

ADMIN_URL="http://$HTTP_ADDR/admin-panel/" STAFF_USER="$staff_user" STAFF_PASSWORD="$staff_password" \
  DEAD_TASK="$dead_task" CHROMIUM="$chromium_bin" node "$here/admin.test.mjs"
