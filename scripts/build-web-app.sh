#!/usr/bin/env bash
# Builds one of the Yew web apps into APP/dist: `admin-ui` (served by the API at /admin-panel/)
# or `webapp` (the web cabinet, served at /). Needs the wasm32 target and wasm-bindgen-cli, both
# set up by wasm-utils/build.sh. Shrinks the module with binaryen's wasm-opt when it is
# installed (Debian: binaryen); without it the app is just bigger.
set -euo pipefail
cd "$(dirname "$0")/.."
app=${1:?usage: build-web-app.sh admin-ui|webapp}
[[ -f "$app/Cargo.toml" && -f "$app/index.html" ]] || { echo "build-web-app.sh: no web app in '$app'" >&2; exit 2; }
target_dir=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
# Every browser downloads the app: this one build links the whole program at once (fat
# LTO, one codegen unit) and optimizes every crate in it for size, which the per-package
# profile in Cargo.toml cannot ask for: 521 → 330 KB gzipped (1.9 → 0.97 MB). The workspace's release
# profile (the server) is untouched: these variables hold for this command only.
CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
  CARGO_PROFILE_RELEASE_DEBUG=false cargo build -p "$app" --target wasm32-unknown-unknown --release
rm -rf "$app/dist" && mkdir -p "$app/dist"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$app/dist" "$target_dir/wasm32-unknown-unknown/release/$app.wasm"
wasm="$app/dist/${app}_bg.wasm"
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
  echo "wasm-opt not found (Debian: apt-get install binaryen): $app is left unshrunk" >&2
fi
cp "$app/index.html" "$app/boot.js" "$app/dist/"
# stylesheets of their own (the cabinet keeps one per part of the app)
find "$app" -maxdepth 1 -name "*.css" -exec cp {} "$app/dist/" \;
# Compressed once here, served as they are to browsers that accept them (api/src/precompressed.rs):
# gzip always, Brotli (Debian: brotli) when installed.
shopt -s nullglob   # an app without stylesheets of its own has no *.css
for file in "$app"/dist/*.wasm "$app"/dist/*.js "$app"/dist/*.css; do
  gzip -9 -n -k -f "$file"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$file"; fi
done
echo "$app built in $app/dist: $(wc -c <"$wasm") bytes of wasm, $(wc -c <"$wasm.gz") gzipped$([[ -f "$wasm.br" ]] && echo ", $(wc -c <"$wasm.br") with Brotli")" >&2
