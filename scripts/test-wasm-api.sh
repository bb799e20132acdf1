#!/usr/bin/env bash
# Builds and tests the JavaScript API (crates/wasm, docs/wasm-api.md). Idempotent.
#
#   1. the npm packages, as `wasm-pack build --release` would make them, with cargo +
#      wasm-bindgen + wasm-opt (no wasm-pack needed): target/wasm-pkg/web (ES module, browsers
#      and Node via initSync) and target/wasm-pkg/nodejs (CommonJS, Node), each with
#      package.json and TypeScript declarations;
#   2. scripts/check-wasm-imports.sh on every module;
#   3. the declarations type-check under `tsc --strict` (crates/wasm/js/types-check.ts;
#      typescript is installed with npm into target/wasm-api-tools on first use);
#   4. a smoke test of both packages with plain Node (crates/wasm/js/smoke.mjs);
#   5. the wasm-bindgen-test tests (crates/wasm/tests) in Node and in headless Chromium;
#   6. the package's wasm size, raw and gzipped.
#
# Needs scripts/install-wasm-toolchain.sh and scripts/install-web-toolchain.sh (wasm-bindgen-cli
# at the Cargo.lock version, npm binaryen's wasm-opt, chromium + chromium-driver).
# SKIP_BROWSER=1 skips the Chromium run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
# npm's wasm-opt (binaryen 132) first: Debian's 108 corrupts wasm-bindgen output.
export PATH="$PWD/tools/web/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n== %s\n' "$*"; }

TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
OUT="$TARGET_DIR/wasm-pkg"
TOOLS="$TARGET_DIR/wasm-api-tools"
NAME=schemasim_wasm
VERSION=$(awk '/^\[workspace.package\]/ { p = 1 } p && /^version/ { gsub(/"/, "", $3); print $3; exit }' Cargo.toml)
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
TYPESCRIPT_VERSION=5.9.3

wasm-bindgen --version | grep -qF " $WB_VERSION" || {
  echo "test-wasm-api: wasm-bindgen $WB_VERSION (Cargo.lock) is required: scripts/install-web-toolchain.sh" >&2
  exit 1
}
wasm-opt --version | grep -qE 'version 1(1[6-9]|[2-9][0-9])' || {
  echo "test-wasm-api: wasm-opt >= 116 (npm binaryen, tools/web) is required: scripts/install-web-toolchain.sh" >&2
  exit 1
}

step "build (release, wasm32-unknown-unknown)"
cargo build -p schemasim-wasm --release --target wasm32-unknown-unknown
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/$NAME.wasm"
scripts/check-wasm-imports.sh "$RAW"

step "npm packages in $OUT"
# Rust 1.95's wasm32 features plus libpg_query's setjmp/longjmp (legacy exception handling).
WASM_OPT_FLAGS=(-Oz --enable-exception-handling --enable-bulk-memory --enable-mutable-globals --enable-sign-ext
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)
for target in web nodejs; do
  dir="$OUT/$target"
  rm -rf "$dir"
  wasm-bindgen --target "$target" --out-dir "$dir" --out-name "$NAME" "$RAW"
  # wasm-opt takes minutes: the targets' modules are usually the same, optimize it once.
  if [ "$target" = nodejs ] && cmp -s "$dir/${NAME}_bg.wasm" "$OUT/web-unoptimized.wasm"; then
    cp "$OUT/web/${NAME}_bg.wasm" "$dir/${NAME}_bg.wasm"
  else
    [ "$target" = web ] && cp "$dir/${NAME}_bg.wasm" "$OUT/web-unoptimized.wasm"
    wasm-opt "${WASM_OPT_FLAGS[@]}" "$dir/${NAME}_bg.wasm" -o "$dir/${NAME}_bg.wasm"
  fi
  scripts/check-wasm-imports.sh "$dir/${NAME}_bg.wasm"
  if [ "$target" = web ]; then type='"type": "module",'; main='"module"'; else type=''; main='"main"'; fi
  cat >"$dir/package.json" <<EOF
{
  "name": "schemasim-wasm",
  "version": "$VERSION",
  "description": "schemasim for JavaScript: replay, dump, rollback check and diff of PostgreSQL 17 migrations in WebAssembly",
  "license": "MIT",
  $type
  "files": ["${NAME}_bg.wasm", "${NAME}.js", "${NAME}.d.ts", "${NAME}_bg.wasm.d.ts"],
  $main: "${NAME}.js",
  "types": "${NAME}.d.ts",
  "sideEffects": ["./snippets/*"]
}
EOF
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$dir/package.json"
done

step "TypeScript declarations (tsc $TYPESCRIPT_VERSION --strict)"
if ! "$TOOLS/node_modules/.bin/tsc" --version 2>/dev/null | grep -qF "$TYPESCRIPT_VERSION"; then
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --no-save "typescript@$TYPESCRIPT_VERSION"
fi
for target in web nodejs; do
  # Exported functions must be typed: no `any` outside wasm-bindgen's own init types.
  if grep -nE '^export function .*\bany\b' "$OUT/$target/$NAME.d.ts"; then
    echo "test-wasm-api: an exported function is typed with any ($OUT/$target/$NAME.d.ts)" >&2
    exit 1
  fi
done
mkdir -p "$OUT/typecheck"
cp crates/wasm/js/types-check.ts "$OUT/typecheck/"
"$TOOLS/node_modules/.bin/tsc" --strict --noEmit --target es2022 --module es2022 --moduleResolution bundler \
  --lib es2022,dom "$OUT/typecheck/types-check.ts"
echo "tsc: ok"

step "Node smoke test of the packages"
node crates/wasm/js/smoke.mjs "$OUT"

step "wasm-bindgen-test in Node"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test -p schemasim-wasm --target wasm32-unknown-unknown

if [ "${SKIP_BROWSER:-0}" != 1 ]; then
  step "wasm-bindgen-test in headless Chromium"
  WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/crates/wasm/webdriver.json" \
    cargo test -p schemasim-wasm --target wasm32-unknown-unknown
fi

step "size"
for f in "$RAW" "$OUT/web/${NAME}_bg.wasm"; do
  printf '%-70s %9d bytes raw, %8d gzipped (-9)\n' "${f#"$PWD"/}" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
done
