#!/usr/bin/env bash
# Builds the admin app into admin-ui/dist (served by the API at /admin-panel/). Needs the
# wasm32 target and wasm-bindgen-cli, both set up by wasm-utils/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
cargo build -p admin-ui --target wasm32-unknown-unknown --release
rm -rf admin-ui/dist && mkdir -p admin-ui/dist
wasm-bindgen --target web --no-typescript --out-dir admin-ui/dist "$target_dir/wasm32-unknown-unknown/release/admin-ui.wasm"
cp admin-ui/index.html admin-ui/dist/
echo "admin app built in admin-ui/dist" >&2
