/* Stand-in <setjmp.h> for wasm32-unknown-unknown (Debian's wasi-libc has none).
 * clang lowers setjmp/longjmp with `-mllvm -wasm-enable-sjlj` to Wasm exception
 * handling and calls __wasm_setjmp / __wasm_setjmp_test / __wasm_longjmp, which
 * crates/wasm-shim/src/sjlj.c implements. That runtime keeps
 * { func_invocation_id, label, { env, val } } in the buffer: 16 bytes on wasm32;
 * 64 bytes leaves room. */
#ifndef SCHEMASIM_WASM_SETJMP_H
#define SCHEMASIM_WASM_SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long long jmp_buf[8];
typedef jmp_buf sigjmp_buf;

int setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int val);

#define _setjmp(env) setjmp(env)
#define _longjmp(env, val) longjmp(env, val)
#define sigsetjmp(env, savemask) setjmp(env)
#define siglongjmp(env, val) longjmp(env, val)

#ifdef __cplusplus
}
#endif

#endif
