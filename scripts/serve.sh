#!/usr/bin/env bash
# The main job from a fresh clone: the browser app on http://127.0.0.1:8080.
# `cargo xtask serve` installs the web toolchain itself, but xtask links the engine, whose
# libpg_query build needs libclang first: so the native prerequisites are installed here, then
# xtask takes over (idempotent; a warm machine goes straight to the build).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
scripts/install-wasm-toolchain.sh
exec cargo xtask serve "$@"
