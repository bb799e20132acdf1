#!/usr/bin/env bash
# Usage: scripts/check-wasm-imports.sh FILE.wasm [FILE.wasm ...]
#
# Fails unless every import of each module comes from wasm-bindgen's own import
# modules: __wbindgen_placeholder__, __wbindgen_externref_xform__, wbg, and the JS
# glue module `./<name>_bg.js` that wasm-bindgen (0.2.130, every --target) names in
# the *_bg.wasm it writes. Anything else (`env`, `wasi_snapshot_preview1`) fails.
# rustc links wasm32-unknown-unknown with --allow-undefined, so a C symbol nothing
# defines silently becomes an `env` (or `wasi_snapshot_preview1`) import and fails
# only when the module is instantiated. Works on both the raw rustc output and the
# *_bg.wasm that wasm-bindgen writes. Needs wasm-objdump (Debian package wabt).
set -euo pipefail

ALLOWED_MODULES=(__wbindgen_placeholder__ __wbindgen_externref_xform__ wbg)

if [ "$#" -lt 1 ]; then
  echo "usage: $0 FILE.wasm [FILE.wasm ...]" >&2
  exit 2
fi
if ! command -v wasm-objdump >/dev/null 2>&1; then
  echo "check-wasm-imports: wasm-objdump not found (install wabt: scripts/install-wasm-toolchain.sh)" >&2
  exit 2
fi

status=0
for wasm in "$@"; do
  if [ ! -f "$wasm" ]; then
    echo "check-wasm-imports: $wasm: no such file" >&2
    status=1
    continue
  fi
  # Headers (file format, section names) always print; an absent Import section
  # just prints no entries. Entry lines look like
  #   - func[3] sig=1 <name> <- module.field
  if ! dump=$(wasm-objdump -x -j Import "$wasm" 2>&1); then
    echo "check-wasm-imports: wasm-objdump failed on $wasm:" >&2
    echo "$dump" >&2
    status=1
    continue
  fi
  total=0
  bad=()
  while IFS= read -r line; do
    case "$line" in
      *' <- '*) ;;
      *) continue ;;
    esac
    total=$((total + 1))
    target=${line##* <- } # module.field; the glue module name itself has dots
    ok=0
    for allowed in "${ALLOWED_MODULES[@]}"; do
      if [[ "$target" == "$allowed".* ]]; then ok=1; break; fi
    done
    if [[ "$target" =~ ^\./[A-Za-z0-9_.-]+_bg\.js\. ]]; then ok=1; fi
    [ "$ok" -eq 1 ] || bad+=("$target")
  done <<<"$dump"

  if [ "${#bad[@]}" -gt 0 ]; then
    echo "check-wasm-imports: FAIL $wasm: ${#bad[@]} of $total imports are not wasm-bindgen's:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    status=1
  else
    echo "check-wasm-imports: ok $wasm ($total imports, all from wasm-bindgen)"
  fi
done
exit "$status"
