#!/usr/bin/env bash
# The main job from a fresh clone: installs the build prerequisites (libclang for pg_query's
# bindgen; idempotent), builds the CLI and runs it with the given arguments.
#   scripts/schemasim.sh replay examples/skipped-baseline/migrations
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-wasm-toolchain.sh >/dev/null 2>&1 || scripts/install-wasm-toolchain.sh
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
exec cargo run --quiet --release -p schemasim-cli -- "$@"
