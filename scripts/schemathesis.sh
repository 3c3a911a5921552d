#!/usr/bin/env bash
# Checks the published OpenAPI document against the running server: starts `groupbuy all` on a
# private port with a fresh database (migrated, demo data seeded) and runs schemathesis (pinned,
# from PyPI) with every check, a fixed seed and a time bound. Exits non-zero on any finding.
#
#   bash scripts/schemathesis.sh                 # what CI runs (about 2 minutes)
#   SCHEMATHESIS_MAX_TIME=600 bash scripts/schemathesis.sh
#
# Settings: scripts/schemathesis.toml. Reports land in target/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.32.5
HYPOTHESIS=6.170.27
SEED="${SCHEMATHESIS_SEED:-20261206}"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-90}"
ADDR="${SCHEMATHESIS_ADDR:-127.0.0.1:8310}"
DATABASE="gb_schemathesis"
KEY="schemathesis-service-key"
OUT=target/schemathesis
VENV=.groupbuy/schemathesis-$VERSION

bash scripts/services.sh
if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "installing schemathesis $VERSION into $VENV..." >&2
  if ! python3 -m venv "$VENV"; then
    # Debian splits venv out of python3.
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq python3-venv; else sudo apt-get install -y -qq python3-venv; fi
    rm -rf "$VENV" && python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install --quiet "schemathesis==$VERSION" "hypothesis==$HYPOTHESIS"
fi
cargo build --quiet --bin groupbuy
mkdir -p "$OUT"

psql "postgres://postgres@127.0.0.1:5432/postgres" -qc "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
# A Tochka webhook key of our own, so that the webhook answers as in production (401 to anything
# not signed with it) rather than 503 for a missing key.
openssl genrsa -out "$OUT/webhook.pem" 2048 2>/dev/null
openssl rsa -in "$OUT/webhook.pem" -pubout -out "$OUT/webhook.pub" 2>/dev/null

# Every generated request comes from one address: the per-client sign-in limit is lifted so the
# credential endpoints' own checks get fuzzed (their 429 is tested in tests/e2e/hardening.rs).
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DATABASE" HTTP_ADDR="$ADDR" SERVICE_API_KEYS="$KEY" AUTH_RATE_LIMIT=100000 \
  SANDBOX_BANK_ADDR="127.0.0.1:8311" QUEUE_NAMESPACE="$DATABASE" TOCHKA_WEBHOOK_PUBLIC_KEY_PATH="$OUT/webhook.pub" \
  target/debug/groupbuy all >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://$ADDR/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
  sleep 1
done

# One worker: with two threads, CPython 3.11's ast.parse (which hypothesis calls to describe
# strategies) can fail with "AST constructor recursion depth mismatch", a run error, not a finding.
"$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://$ADDR/api/openapi.json" \
  --checks all --header "Authorization: Bearer $KEY" --seed "$SEED" --max-time "$MAX_TIME" --workers 1 \
  --generation-database none --no-color --report junit --report-dir "$OUT"
