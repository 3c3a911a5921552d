#!/usr/bin/env bash
# Builds the admin app into admin-ui/dist (served by the API at /admin-panel/). Needs the
# wasm32 target and wasm-bindgen-cli, both set up by wasm-utils/build.sh. Shrinks the module
# with binaryen's wasm-opt when it is installed (Debian: binaryen); without it the app is
# just bigger.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
# Every staff browser downloads the app: this one build links the whole program at once (fat
# LTO, one codegen unit) and optimizes every crate in it for size, which the per-package
# profile in Cargo.toml cannot ask for: 521 → 330 KB gzipped (1.9 → 0.97 MB). The workspace's release
# profile (the server) is untouched: these variables hold for this command only.
CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
  CARGO_PROFILE_RELEASE_DEBUG=false cargo build -p admin-ui --target wasm32-unknown-unknown --release
rm -rf admin-ui/dist && mkdir -p admin-ui/dist
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir admin-ui/dist "$target_dir/wasm32-unknown-unknown/release/admin-ui.wasm"
wasm=admin-ui/dist/admin-ui_bg.wasm
if command -v wasm-opt >/dev/null; then
  # An old binaryen cannot read every instruction today's rustc emits (Debian 12's 108 stops at
  # table.fill): then the module stays as built rather than failing the build.
  if wasm-opt -Oz --all-features "$wasm" -o "$wasm.opt" 2>"$wasm.log"; then
    mv "$wasm.opt" "$wasm"
  else
    echo "wasm-opt $(wasm-opt --version | awk '{print $3}') cannot read this module ($(head -c 120 "$wasm.log")): left unshrunk" >&2
    rm -f "$wasm.opt"
  fi
  rm -f "$wasm.log"
else
  echo "wasm-opt not found (Debian: apt-get install binaryen): the admin app is left unshrunk" >&2
fi
cp admin-ui/index.html admin-ui/boot.js admin-ui/dist/
echo "admin app built in admin-ui/dist: $(wc -c <"$wasm") bytes of wasm, $(gzip -9c "$wasm" | wc -c) gzipped" >&2
