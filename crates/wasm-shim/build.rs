//! On wasm32-unknown-unknown: compiles `c/*.c` with the target's C compiler
//! (`CC_wasm32_unknown_unknown`, i.e. `tools/wasm/cc`, set in `.cargo/config.toml`)
//! into a whole-archive static library, and links a copy of wasi-libc's `libc.a`
//! without its allocator and exit code. On every other target: does nothing.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's wasi-libc (`apt-get install wasi-libc`); override with `SCHEMASIM_WASI_LIBC`.
const DEFAULT_WASI_LIBC: &str = "/usr/lib/wasm32-wasi/libc.a";
/// Archiver used to edit the copy; `AR_wasm32_unknown_unknown` wins if set.
const DEFAULT_AR: &str = "llvm-ar-19";
/// Members removed from the copy: the shim (Rust) provides malloc & co., and exit.
const REMOVED_MEMBERS: [&str; 3] = ["dlmalloc.o", "exit.o", "_Exit.o"];
const C_SOURCES: [&str; 2] = ["c/sjlj.c", "c/libc_stubs.c"];
/// Library names (`lib<name>.a` in `OUT_DIR`).
const SHIM_LIB: &str = "schemasim_wasm_shim_c";
const LIBC_LIB: &str = "schemasim_wasi_c";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for src in C_SOURCES {
        println!("cargo:rerun-if-changed={src}");
    }
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if arch != "wasm32" || os != "unknown" {
        return;
    }
    for var in ["SCHEMASIM_WASI_LIBC", "AR_wasm32_unknown_unknown", "CC_wasm32_unknown_unknown"] {
        println!("cargo:rerun-if-env-changed={var}");
    }

    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rustc-link-search=native={}", out_dir.display());

    // The shim's own C objects: whole-archive, since nothing references most of them
    // before libpg_query and libc are pulled in at the final link.
    cc::Build::new()
        .files(C_SOURCES)
        .flag("-mexception-handling") // __builtin_wasm_throw in sjlj.c
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .cargo_metadata(false)
        .compile(SHIM_LIB);
    println!("cargo:rustc-link-lib=static:+whole-archive={SHIM_LIB}");

    let libc_src = env::var("SCHEMASIM_WASI_LIBC").unwrap_or_else(|_| DEFAULT_WASI_LIBC.into());
    println!("cargo:rerun-if-changed={libc_src}");
    let ar = env::var("AR_wasm32_unknown_unknown").unwrap_or_else(|_| DEFAULT_AR.into());
    let libc_copy = out_dir.join(format!("lib{LIBC_LIB}.a"));
    strip_libc(Path::new(&libc_src), &libc_copy, &ar);
    println!("cargo:rustc-link-lib=static={LIBC_LIB}");
}

/// Copies `src` to `dst` and deletes [`REMOVED_MEMBERS`] from the copy.
fn strip_libc(src: &Path, dst: &Path, ar: &str) {
    assert!(
        src.is_file(),
        "{} not found: run scripts/install-wasm-toolchain.sh (Debian package wasi-libc)",
        src.display()
    );
    // Start from a fresh copy each time: `ar d` edits in place.
    let _ = fs::remove_file(dst);
    fs::copy(src, dst).unwrap_or_else(|e| panic!("copy {} -> {}: {e}", src.display(), dst.display()));

    run(Command::new(ar).arg("d").arg(dst).args(REMOVED_MEMBERS), ar);

    let listing = Command::new(ar).arg("t").arg(dst).output().unwrap_or_else(|e| panic!("{ar} t: {e}"));
    assert!(listing.status.success(), "{ar} t {} failed", dst.display());
    let listing = String::from_utf8_lossy(&listing.stdout);
    for member in REMOVED_MEMBERS {
        assert!(!listing.lines().any(|l| l.trim() == member), "{member} still in {}", dst.display());
    }
}

fn run(cmd: &mut Command, what: &str) {
    let status = cmd.status().unwrap_or_else(|e| panic!("cannot run {what}: {e} (is llvm-19 installed?)"));
    assert!(status.success(), "{what} failed: {status}");
}
