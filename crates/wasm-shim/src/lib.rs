//! Runtime glue for running `pg_query` (`libpg_query`, C) on `wasm32-unknown-unknown`.
//!
//! See `shared/wasm-build.md` for the recipe. On that target this crate links:
//!
//! - `c/sjlj.c`: `__wasm_setjmp`, `__wasm_setjmp_test`, `__wasm_longjmp`, the runtime
//!   that clang's `-mllvm -wasm-enable-sjlj` lowering of `setjmp`/`longjmp` calls
//!   (`libpg_query`'s `PG_TRY`/`PG_CATCH` and error reporting use `sigsetjmp`);
//! - `c/libc_stubs.c`: the `wasi_snapshot_preview1` functions wasi-libc's stdio still
//!   refers to (output discarded, input at EOF), `exit`/`_Exit` (trap), `getpid`, an
//!   empty `__wasm_call_dtors` and a reference to `__wasm_call_ctors` (keeps wasm-ld
//!   from wrapping every export in a stdio-flushing "command" wrapper);
//! - a copy of Debian's wasi-libc `libc.a` without `dlmalloc.o`, `exit.o`, `_Exit.o`;
//! - `malloc`, `calloc`, `realloc`, `free` (`src/malloc.rs`) over Rust's global
//!   allocator, so that C and Rust share one heap (wasi-libc's dlmalloc would fight
//!   Rust's allocator over the memory above `__heap_base`).
//!
//! The crate that produces the final module must reference this one
//! (`use schemasim_wasm_shim as _;`), or rustc does not link it.
//!
//! On every other target the crate is empty.

#![no_std]
#![cfg_attr(all(target_arch = "wasm32", target_os = "unknown"), allow(unsafe_code))]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
extern crate alloc;

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod malloc;
