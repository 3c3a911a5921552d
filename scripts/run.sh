#!/usr/bin/env bash
# The README's first command: PostgreSQL and Redis up, then the whole platform in one process
# (database created and migrated, demo data seeded, API on http://127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
if command -v wasm-bindgen >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -q wasm32; then
  bash admin-ui/build.sh || echo "admin app not built; the API still runs" >&2
  bash webapp/build.sh || echo "web cabinet not built; the API still runs" >&2
else
  echo "admin app and web cabinet skipped: run 'bash wasm-utils/build.sh' once to install its toolchain" >&2
fi
export SERVICE_API_KEYS="${SERVICE_API_KEYS:-dev-service-key}"
exec cargo run --release --bin groupbuy -- "${@:-all}"
