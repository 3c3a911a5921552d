#!/usr/bin/env bash
# The web apps in headless Chromium against a real server: builds what is missing, starts
# `groupbuy api` on a fresh database (migrated, demo data, one staff user, one dead job in its
# own Redis namespace, a Telegram bot token for Mini App sign-in) on a free port, runs
# admin.test.mjs and every cabinet*.test.mjs, and stops and removes it all.
# Needs PostgreSQL and Redis (scripts/services.sh), Node.js and Debian's chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

chromium_bin=${CHROMIUM:-/usr/bin/chromium}
[[ -x "$chromium_bin" ]] || { echo "browser tests: $chromium_bin missing (apt-get install chromium)" >&2; exit 1; }
[[ -f admin-ui/dist/index.html ]] || bash admin-ui/build.sh
[[ -f webapp/dist/index.html ]] || bash webapp/build.sh
(cd "$here" && npm ci --no-audit --no-fund --silent)

target_dir=${CARGO_TARGET_DIR:-$root/target}
cargo build -q --bin groupbuy
bin="$target_dir/debug/groupbuy"

run_id="browser_$$_$(date +%s)"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/groupbuy_$run_id"
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export QUEUE_NAMESPACE="groupbuy_$run_id"
export HTTP_ADDR="127.0.0.1:$port"
# The bank's local fake (deposits in the cabinet pay through its page), for the API and workers.
export SANDBOX_BANK_ADDR="127.0.0.1:$(free_port)"
export SERVICE_API_KEYS="browser-test-key"
export DEMO_DATA=true
export ADMIN_UI_DIR="$root/admin-ui/dist"
export WEBAPP_DIR="$root/webapp/dist"
# Signs Mini App sign-ins; no webhook URL, so this api process never calls Telegram.
export TELEGRAM_TOKEN="123456:browser-test-bot-token"
# Every browser of every test signs in from 127.0.0.1: lift the per-client sign-in limit.
export AUTH_RATE_LIMIT=100000
export JWT_SECRET="browser-test-secret"
export RUST_LOG=${RUST_LOG:-warn}
staff_user=staff
staff_password="browser-$RANDOM-$RANDOM"
log="$here/server.log"
server=""
others=()

cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  for pid in "${others[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  dropdb -h 127.0.0.1 -U postgres --if-exists "groupbuy_$run_id" 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$QUEUE_NAMESPACE:*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null || true
}
trap cleanup EXIT

"$bin" migrate >/dev/null
# With generated history (analytics/src/history.rs), so the models page trains real versions.
"$bin" seed --history 2000 >/dev/null
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
# Notifications, captures and refunds are jobs: the cabinet's flows need workers behind the API.
# The worker also serves the sandbox bank on SANDBOX_BANK_ADDR, the one whose page the API links
# deposits to and whose statement its reconciliation reads (a separate `groupbuy sandbox-bank`
# would take the address and leave the worker reconciling against a bank of its own).
"$bin" worker >"$here/worker.log" 2>&1 &
others+=($!)
# The cron schedules, among them matching the sandbox bank's incoming money to deposits.
"$bin" scheduler >"$here/scheduler.log" 2>&1 &
others+=($!)
for _ in $(seq 1 150); do
  curl -fs "http://$HTTP_ADDR/ready" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "browser tests: the server died:" >&2; tail -20 "$log" >&2; exit 1; }
  sleep 0.2
done
curl -fs "http://$HTTP_ADDR/ready" >/dev/null || { echo "browser tests: the server never got ready" >&2; tail -20 "$log" >&2; exit 1; }

export CHROMIUM="$chromium_bin" BASE_URL="http://$HTTP_ADDR" SERVICE_KEY="$SERVICE_API_KEYS" TELEGRAM_BOT_TOKEN="$TELEGRAM_TOKEN"
failed=0
if [[ -z "${ONLY:-}" || "$ONLY" == admin* ]]; then
  ADMIN_URL="http://$HTTP_ADDR/admin-panel/" STAFF_USER="$staff_user" STAFF_PASSWORD="$staff_password" \
    DEAD_TASK="$dead_task" node "$here/admin.test.mjs" || failed=1
fi
# ONLY=cabinet-chat runs that one file (and skips the admin test) while working on it.
for test in "$here"/cabinet*.test.mjs; do
  [[ -e "$test" ]] || continue
  [[ -z "${ONLY:-}" || "$(basename "$test")" == "$ONLY"* ]] || continue
  node "$test" || failed=1
done
exit $failed
