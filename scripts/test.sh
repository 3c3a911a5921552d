#!/usr/bin/env bash
# The README's second command: every check and test, against real PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh

echo "== deployment files (compose, nginx)" >&2
bash scripts/check-deploy.sh

echo "== format and lints" >&2
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

echo "== Rust tests (unit + end-to-end)" >&2
cargo test

echo "== faults under load, short form (groupbuy chaos --short: its own PostgreSQL, Redis and processes)" >&2
# The binary `cargo test` just built for the end-to-end tests.
target/debug/groupbuy chaos --short

echo "== OpenAPI document against the running server (schemathesis, every check)" >&2
bash scripts/schemathesis.sh

echo "== WebAssembly: wasm-utils against its JavaScript twin in Node.js, the admin app and the web cabinet" >&2
if rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  bash wasm-utils/build.sh
  node wasm-utils/js/test.mjs
  cargo clippy -p admin-ui -p webapp -p web-kit --target wasm32-unknown-unknown -- -D warnings
  bash admin-ui/build.sh
  bash webapp/build.sh
  echo "== the admin app and the web cabinet in headless Chromium (tests/browser)" >&2
  bash tests/browser/run.sh
else
  echo "wasm32-unknown-unknown target missing (rustup target add wasm32-unknown-unknown): skipping" >&2
fi
