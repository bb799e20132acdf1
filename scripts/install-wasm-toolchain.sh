#!/usr/bin/env bash
# Installs what `cargo build -p schemasim-engine --target wasm32-unknown-unknown` needs
# (recipe: shared/wasm-build.md). Idempotent: anything already present is skipped.
#
#   - rustup target wasm32-unknown-unknown
#   - Debian packages clang-19, llvm-19, libclang-19-dev, wasi-libc, wabt
#
# libclang-19 is also what pg_query's *native* build script uses for bindgen
# (.cargo/config.toml sets LIBCLANG_PATH=/usr/lib/llvm-19/lib), so run this before
# any build on a fresh machine.
#
# Deliberately NOT installed here: wasm-bindgen-cli, trunk, binaryen (Debian's
# binaryen 108 corrupts wasm-bindgen output), protobuf-compiler (protoc on PATH makes
# pg_query's build script rewrite src/protobuf.rs inside the cargo registry).
set -euo pipefail

# Pinned versions (Debian bookworm). If the archive has moved on, the script warns
# and installs the candidate version of the same package instead.
declare -A APT_PINS=(
  [clang-19]="1:19.1.7-3~deb12u1"
  [llvm-19]="1:19.1.7-3~deb12u1"
  [libclang-19-dev]="1:19.1.7-3~deb12u1"
  [wasi-libc]="0.0~git20220510.9886d3d-2"
  [wabt]="1.0.32-1"
)
APT_ORDER=(clang-19 llvm-19 libclang-19-dev wasi-libc wabt)
RUST_TARGET=wasm32-unknown-unknown

log() { printf '[install-wasm-toolchain] %s\n' "$*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    log "not root and no sudo: cannot install Debian packages"; fi
fi

# ---- rustup target --------------------------------------------------------------
if ! command -v rustup >/dev/null 2>&1; then
  log "rustup not found on PATH"; exit 1
fi
if rustup target list --installed | grep -qx "$RUST_TARGET"; then
  log "rust target $RUST_TARGET: present"
else
  log "rust target $RUST_TARGET: installing"
  rustup target add "$RUST_TARGET"
fi

# ---- Debian packages ------------------------------------------------------------
is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
for pkg in "${APT_ORDER[@]}"; do
  if is_installed "$pkg"; then
    log "apt $pkg: present ($(dpkg-query -W -f='${Version}' "$pkg"))"
  else
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  # Refresh the package lists only if they are absent or do not know a package we need.
  need_update=0
  for pkg in "${missing[@]}"; do
    if ! apt-cache madison "$pkg" 2>/dev/null | grep -q .; then need_update=1; break; fi
  done
  if [ "$need_update" -eq 1 ]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get update
  fi
  specs=()
  for pkg in "${missing[@]}"; do
    ver="${APT_PINS[$pkg]}"
    if apt-cache madison "$pkg" | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -qxF "$ver"; then
      specs+=("$pkg=$ver")
    else
      log "WARNING: $pkg=$ver not in the archive; installing its candidate version"
      specs+=("$pkg")
    fi
  done
  log "apt-get install ${specs[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${specs[@]}"
fi

# ---- sanity checks ----------------------------------------------------------------
for f in /usr/bin/clang-19 /usr/bin/llvm-ar-19 /usr/bin/wasm-objdump \
         /usr/lib/wasm32-wasi/libc.a /usr/include/wasm32-wasi/stdio.h; do
  [ -e "$f" ] || { log "missing after install: $f"; exit 1; }
done
ls /usr/lib/llvm-19/lib/libclang*.so* >/dev/null 2>&1 \
  || { log "missing after install: /usr/lib/llvm-19/lib/libclang.so"; exit 1; }

if command -v protoc >/dev/null 2>&1; then
  log "WARNING: protoc is on PATH ($(command -v protoc)); pg_query's build script would"
  log "         regenerate src/protobuf.rs in the cargo registry. Remove it from PATH."
fi
log "done"
