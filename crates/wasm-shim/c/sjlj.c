/*
 * Runtime for clang's setjmp/longjmp lowering on WebAssembly
 * (`-mllvm -wasm-enable-sjlj`, clang >= 19): the same algorithm as wasi-libc's
 * libsetjmp. setjmp records (function invocation id, label) in the jmp_buf; after
 * a longjmp has been caught, the function compares its own invocation id with the
 * one in the buffer to find the label to resume at; longjmp throws a Wasm
 * exception with the C longjmp tag (index 1) carrying {env, val}.
 */
#include <setjmp.h>
#include <stdint.h>

struct jmp_buf_impl
{
	void	   *func_invocation_id;
	uint32_t	label;
	struct arg
	{
		void	   *env;
		int			val;
	}			arg;
};

_Static_assert(sizeof(struct jmp_buf_impl) <= sizeof(jmp_buf),
			   "jmp_buf in tools/wasm/include/setjmp.h is too small");

void		__wasm_setjmp(void *env, uint32_t label, void *func_invocation_id);
uint32_t	__wasm_setjmp_test(void *env, void *func_invocation_id);
void		__wasm_longjmp(void *env, int val);

void
__wasm_setjmp(void *env, uint32_t label, void *func_invocation_id)
{
	struct jmp_buf_impl *jb = env;

	if (label == 0 || func_invocation_id == 0)
		__builtin_trap();
	jb->func_invocation_id = func_invocation_id;
	jb->label = label;
}

uint32_t
__wasm_setjmp_test(void *env, void *func_invocation_id)
{
	struct jmp_buf_impl *jb = env;

	if (jb->label == 0 || func_invocation_id == 0)
		__builtin_trap();
	if (jb->func_invocation_id == func_invocation_id)
		return jb->label;
	return 0;
}

void
__wasm_longjmp(void *env, int val)
{
	struct jmp_buf_impl *jb = env;
	struct arg *arg = &jb->arg;

	/* C says longjmp(env, 0) makes setjmp return 1. */
	if (val == 0)
		val = 1;
	arg->env = env;
	arg->val = val;
	__builtin_wasm_throw(1, arg);	/* 1: the C longjmp tag */
}
