/* Stand-in <pthread.h> for wasm32-unknown-unknown (single-threaded): no-op versions
 * of what libpg_query uses for its thread-exit hook. The types match wasi-libc's
 * <bits/alltypes.h>, so including both is fine. */
#ifndef SCHEMASIM_WASM_PTHREAD_H
#define SCHEMASIM_WASM_PTHREAD_H

typedef unsigned pthread_key_t;
typedef int pthread_once_t;

#define PTHREAD_ONCE_INIT 0

static inline int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	(void) destructor;
	*key = 0;
	return 0;
}

static inline int pthread_key_delete(pthread_key_t key)
{
	(void) key;
	return 0;
}

static inline int pthread_setspecific(pthread_key_t key, const void *value)
{
	(void) key;
	(void) value;
	return 0;
}

static inline void *pthread_getspecific(pthread_key_t key)
{
	(void) key;
	return 0;
}

static inline int pthread_once(pthread_once_t *once, void (*init)(void))
{
	if (*once == 0)
	{
		*once = 1;
		init();
	}
	return 0;
}

#endif
