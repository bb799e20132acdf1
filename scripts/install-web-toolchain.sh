#!/usr/bin/env bash
# Installs what the browser app's build and end-to-end tests need, on top of
# scripts/install-wasm-toolchain.sh (recipe: ../shared/wasm-build.md). Idempotent: anything
# already present at the pinned version is skipped.
#
#   - wasm-bindgen-cli  = the wasm-bindgen version in Cargo.lock (cargo install)
#   - trunk 0.21.14     (0.22 needs a newer rustc than the machine's 1.95)
#   - wasm-pack 0.15.1  (builds the npm packages of crates/wasm; scripts/test-wasm-api.sh runs it
#     with --mode no-install, so it uses the wasm-bindgen above and never downloads a tool)
#   - npm: binaryen 132 (wasm-opt; Debian's binaryen 108 corrupts wasm-bindgen output) and
#     playwright-core (drives Debian's Chromium in the e2e tests), pinned in tools/web/package-lock.json
#   - Debian chromium + chromium-driver
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

log() { printf '[install-web-toolchain] %s\n' "$*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi

cargo_install() { # crate version binary [extra cargo install flags]
  local crate=$1 version=$2 binary=$3
  if command -v "$binary" >/dev/null 2>&1 && "$binary" --version 2>/dev/null | grep -qF "$version"; then
    log "$crate $version: present"
  else
    log "$crate $version: installing (cargo install, several minutes on 2 cores)"
    cargo install "$crate" --version "=$version" "${@:4}"
  fi
}

[ -n "$WASM_BINDGEN_VERSION" ] || { log "no wasm-bindgen in Cargo.lock"; exit 1; }
cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
# --locked: trunk 0.21.14 does not build with the newest versions of its dependencies.
cargo_install trunk "$TRUNK_VERSION" trunk --locked
# wasm-pack: from crates.io, built with its own Cargo.lock (--locked; 2.5 min on 2 cores). Its npm
# package and GitHub release binaries would download at install time, which fails offline.
cargo_install wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked

if [ -x tools/web/node_modules/.bin/wasm-opt ] && [ -f tools/web/node_modules/playwright-core/package.json ]; then
  log "npm tools: present"
else
  log "npm tools: installing (npm ci in tools/web)"
  (cd tools/web && npm ci --no-audit --no-fund)
fi

missing=()
for pkg in chromium chromium-driver; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" = installed ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt ${missing[*]}: installing"
  apt-cache madison chromium 2>/dev/null | grep -q . || "${SUDO[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y "${missing[@]}"
else
  log "apt chromium chromium-driver: present"
fi
