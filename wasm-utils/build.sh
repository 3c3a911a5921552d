#!/usr/bin/env bash
# Builds the wasm-utils WebAssembly packages:
#   wasm-utils/pkg-web   (wasm-bindgen --target web, for the browser app)
#   wasm-utils/pkg-node  (wasm-bindgen --target nodejs, for Node and js/test.mjs)
# Run from anywhere; honours CARGO_TARGET_DIR.
set -euo pipefail

CRATE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CRATE_DIR/.." && pwd)"
cd "$REPO_ROOT"

# 1. The wasm32 target (idempotent). Without it nothing below can work, so say
#    why clearly instead of failing later inside cargo.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  if ! rustup target add wasm32-unknown-unknown; then
    echo "build.sh: cannot install the wasm32-unknown-unknown target (offline?)." >&2
    echo "build.sh: the native crate still builds and tests with 'cargo test -p wasm-utils'." >&2
    exit 1
  fi
fi

# 2. wasm-bindgen-cli must equal the wasm-bindgen crate version in Cargo.lock
#    exactly, or the generated glue does not match the .wasm.
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
if [[ -z "$WB_VERSION" ]]; then
  echo "build.sh: wasm-bindgen not found in Cargo.lock" >&2
  exit 1
fi
INSTALLED="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$INSTALLED" != "$WB_VERSION" ]]; then
  echo "build.sh: installing wasm-bindgen-cli $WB_VERSION (found: ${INSTALLED:-none})"
  # no --locked: the CLI's lock file pins crates this registry does not serve
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# 3. Build and generate the two packages.
TARGET_DIR="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}"
cargo build -p wasm-utils --release --target wasm32-unknown-unknown
WASM="$TARGET_DIR/wasm32-unknown-unknown/release/wasm_utils.wasm"
# start clean: wasm-bindgen leaves files of earlier builds (e.g. snippets/) behind
rm -rf "$CRATE_DIR/pkg-web" "$CRATE_DIR/pkg-node"
wasm-bindgen --target web --out-dir "$CRATE_DIR/pkg-web" "$WASM"
wasm-bindgen --target nodejs --out-dir "$CRATE_DIR/pkg-node" "$WASM"

echo "build.sh: built $(du -h "$CRATE_DIR/pkg-web/wasm_utils_bg.wasm" | cut -f1) wasm into wasm-utils/pkg-web and wasm-utils/pkg-node"
