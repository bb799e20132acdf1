#!/usr/bin/env bash
# Builds and tests the JavaScript API (crates/wasm, docs/wasm-api.md). Idempotent.
#
#   1. the npm packages, with `wasm-pack build --release --mode no-install crates/wasm`:
#      target/wasm-pkg/web (--target web: ES module, browsers and Node via initSync) and
#      target/wasm-pkg/nodejs (--target nodejs: CommonJS, Node), each with package.json,
#      README.md and TypeScript declarations. --mode no-install: wasm-pack uses the
#      wasm-bindgen on PATH (the Cargo.lock version) and never downloads a tool. wasm-pack runs
#      no wasm-opt (crates/wasm/Cargo.toml); this script runs npm binaryen's wasm-opt -Oz on
#      the packages' modules (once when they are the same; not again while they are unchanged);
#   2. scripts/check-wasm-imports.sh on every module; each package.json names the package, its
#      version and types, and every file it lists exists (npm pack --dry-run);
#   3. the declarations type-check under `tsc --strict` (crates/wasm/js/types-check.ts;
#      typescript is installed with npm into target/wasm-api-tools on first use);
#   4. a smoke test of both packages with plain Node (crates/wasm/js/smoke.mjs);
#   5. the wasm-bindgen-test tests (crates/wasm/tests) with `wasm-pack test --node` and
#      `wasm-pack test --chrome --headless` (Debian's chromium + chromedriver); each run must
#      report the same, non-zero number of passed tests;
#   6. the package's wasm size, raw and gzipped, and each npm tarball's size.
#
# Needs scripts/install-wasm-toolchain.sh and scripts/install-web-toolchain.sh (wasm-pack,
# wasm-bindgen-cli at the Cargo.lock version, npm binaryen's wasm-opt, chromium +
# chromium-driver). SKIP_BROWSER=1 skips the Chromium run.
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
WASM_PACK_VERSION=$(awk -F= '/^WASM_PACK_VERSION=/ { print $2; exit }' scripts/install-web-toolchain.sh)
TYPESCRIPT_VERSION=5.9.3

wasm-pack --version 2>/dev/null | grep -qxF "wasm-pack $WASM_PACK_VERSION" || {
  echo "test-wasm-api: wasm-pack $WASM_PACK_VERSION is required: scripts/install-web-toolchain.sh" >&2
  exit 1
}

wasm-bindgen --version | grep -qF " $WB_VERSION" || {
  echo "test-wasm-api: wasm-bindgen $WB_VERSION (Cargo.lock) is required: scripts/install-web-toolchain.sh" >&2
  exit 1
}
wasm-opt --version | grep -qE 'version 1(1[6-9]|[2-9][0-9])' || {
  echo "test-wasm-api: wasm-opt >= 116 (npm binaryen, tools/web) is required: scripts/install-web-toolchain.sh" >&2
  exit 1
}

step "npm packages (wasm-pack $WASM_PACK_VERSION build --release) in $OUT"
# The C parts (libpg_query) build with the clang-19/wasi-libc settings of .cargo/config.toml,
# which cargo reads from crates/wasm as from the workspace root.
for target in web nodejs; do
  rm -rf "$OUT/$target"
  wasm-pack build --release --target "$target" --mode no-install --out-dir "$OUT/$target" crates/wasm
done
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/$NAME.wasm"
scripts/check-wasm-imports.sh "$RAW"

step "wasm-opt (npm binaryen: $(wasm-opt --version))"
# Rust 1.95's wasm32 features plus libpg_query's setjmp/longjmp (legacy exception handling).
WASM_OPT_FLAGS=(-Oz --enable-exception-handling --enable-bulk-memory --enable-mutable-globals --enable-sign-ext
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)
# wasm-opt takes minutes. The targets' modules are usually the same and often unchanged since the
# last run: optimized modules are kept in $CACHE under a hash of module, flags and wasm-opt version.
CACHE="$OUT/wasm-opt-cache"
mkdir -p "$CACHE"
keys=()
for target in web nodejs; do
  f="$OUT/$target/${NAME}_bg.wasm"
  key=$({ wasm-opt --version; printf '%s\n' "${WASM_OPT_FLAGS[@]}"; cat "$f"; } | sha256sum | cut -c1-32)
  keys+=("$key")
  if [ -f "$CACHE/$key.wasm" ]; then
    echo "$target: same module as before, optimized: $CACHE/$key.wasm"
  else
    echo "$target: wasm-opt ${WASM_OPT_FLAGS[*]}"
    wasm-opt "${WASM_OPT_FLAGS[@]}" "$f" -o "$CACHE/$key.tmp"
    mv "$CACHE/$key.tmp" "$CACHE/$key.wasm"
  fi
  cp "$CACHE/$key.wasm" "$f"
  scripts/check-wasm-imports.sh "$f"
done
for old in "$CACHE"/*; do # keep only this run's modules
  case " ${keys[*]} " in *" $(basename "$old" .wasm) "*) ;; *) rm -f "$old" ;; esac
done

step "package.json"
for target in web nodejs; do
  dir="$OUT/$target"
  node - "$dir" "$VERSION" "$NAME" <<'JS'
const fs = require("fs"), path = require("path");
const [dir, version, name] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
const fail = (m) => { console.error(`test-wasm-api: ${dir}/package.json: ${m}`); process.exit(1); };
if (pkg.name !== "schemasim-wasm") fail(`name ${pkg.name}`);
if (pkg.version !== version) fail(`version ${pkg.version}, Cargo.toml says ${version}`);
if (pkg.types !== `${name}.d.ts`) fail(`types ${pkg.types}`);
if (pkg.main !== `${name}.js`) fail(`main ${pkg.main}`);
for (const f of [`${name}.js`, `${name}_bg.wasm`, `${name}.d.ts`])
  if (!(pkg.files ?? []).includes(f)) fail(`files does not list ${f}`);
for (const f of pkg.files) if (!fs.existsSync(path.join(dir, f))) fail(`files lists ${f}, which is missing`);
console.log(`${path.basename(dir)}: ${pkg.name}@${pkg.version}${pkg.type ? ` (${pkg.type})` : ""}, main ${pkg.main}, types ${pkg.types}, files ${pkg.files.join(" ")}`);
JS
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

# wasm-pack test: options before the crate's path (what follows the path goes to cargo test).
# --mode no-install takes wasm-bindgen-test-runner from next to the wasm-bindgen on
# PATH and never downloads (chromedriver: Debian's, named explicitly). It runs cargo test in
# crates/wasm, so the runner finds crates/wasm/webdriver.json (Chromium's binary and flags); the
# variable names it anyway. The test binary declares no browser mode of its own: without
# WASM_BINDGEN_USE_BROWSER=1 the runner would take it for a Node suite and, under
# `wasm-pack test --chrome` (WASM_BINDGEN_TEST_ONLY_WEB), skip it while reporting success. Hence the
# count check.
test_count() { # log: the passed tests of wasm-bindgen-test's summary line
  awk '/^test result: ok\. [0-9]+ passed/ { n += $4 } END { print n + 0 }' "$1"
}

step "wasm-bindgen-test in Node (wasm-pack test --node)"
wasm-pack test --node --mode no-install crates/wasm 2>&1 | tee "$OUT/test-node.log"
NODE_TESTS=$(test_count "$OUT/test-node.log")
[ "$NODE_TESTS" -gt 0 ] || { echo "test-wasm-api: no wasm-bindgen test ran in Node" >&2; exit 1; }

if [ "${SKIP_BROWSER:-0}" != 1 ]; then
  step "wasm-bindgen-test in headless Chromium (wasm-pack test --chrome --headless)"
  WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/crates/wasm/webdriver.json" \
    wasm-pack test --chrome --headless --mode no-install \
    --chromedriver "${CHROMEDRIVER:-/usr/bin/chromedriver}" crates/wasm 2>&1 | tee "$OUT/test-chromium.log"
  CHROMIUM_TESTS=$(test_count "$OUT/test-chromium.log")
  [ "$CHROMIUM_TESTS" -eq "$NODE_TESTS" ] || {
    echo "test-wasm-api: $CHROMIUM_TESTS wasm-bindgen tests passed in Chromium, $NODE_TESTS in Node" >&2
    exit 1
  }
fi

step "size"
for f in "$RAW" "$OUT/web/${NAME}_bg.wasm"; do
  printf '%-70s %9d bytes raw, %8d gzipped (-9)\n' "${f#"$PWD"/}" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
done
for target in web nodejs; do
  (cd "$OUT/$target" && npm pack --dry-run --json 2>/dev/null) | node -e '
    const [p] = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`npm pack ${process.argv[1]}: ${p.filename}, ${p.size} bytes packed, ${p.unpackedSize} unpacked, ${p.entryCount} files`);
  ' "$target"
done
echo "wasm-bindgen tests: $NODE_TESTS passed in Node${CHROMIUM_TESTS:+, $CHROMIUM_TESTS in headless Chromium}"
