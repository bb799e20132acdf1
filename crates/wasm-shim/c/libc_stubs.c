/*
 * What wasi-libc (Debian's 2022 snapshot) still needs on wasm32-unknown-unknown once
 * dlmalloc.o, exit.o and _Exit.o are removed from the libc.a we link (build.rs):
 *
 *  - the wasi_snapshot_preview1 functions its stdio refers to. Defining them here
 *    keeps wasm-ld from turning them into imports the browser cannot satisfy.
 *    Output is discarded (reported as fully written), input is at EOF, seeking
 *    fails with ESPIPE, no descriptor is a tty (fdstat_get: EBADF), proc_exit traps;
 *  - exit/_Exit/_exit (trap: nothing can exit a Wasm instance) and getpid;
 *  - an empty __wasm_call_dtors plus a reference to __wasm_call_ctors: with it
 *    wasm-ld treats the module as a reactor and does not wrap every export in a
 *    "command" wrapper that runs ctors before and flushes stdio after each call.
 */
#include <stddef.h>
#include <stdint.h>

#define WASI_ESUCCESS 0
#define WASI_EBADF 8
#define WASI_ESPIPE 70

struct wasi_ciovec
{
	const void *buf;
	size_t		buf_len;
};

int32_t		__imported_wasi_snapshot_preview1_fd_write(int32_t fd, const struct wasi_ciovec *iovs,
													   size_t iovs_len, size_t *nwritten);
int32_t		__imported_wasi_snapshot_preview1_fd_read(int32_t fd, const struct wasi_ciovec *iovs,
													  size_t iovs_len, size_t *nread);
int32_t		__imported_wasi_snapshot_preview1_fd_seek(int32_t fd, int64_t offset, int32_t whence,
													  uint64_t *newoffset);
int32_t		__imported_wasi_snapshot_preview1_fd_close(int32_t fd);
int32_t		__imported_wasi_snapshot_preview1_fd_fdstat_get(int32_t fd, void *stat);
_Noreturn void __imported_wasi_snapshot_preview1_proc_exit(int32_t code);
_Noreturn void exit(int code);
_Noreturn void _Exit(int code);
_Noreturn void _exit(int code);
int			getpid(void);
void		__wasm_call_dtors(void);
extern void __wasm_call_ctors(void);

int32_t
__imported_wasi_snapshot_preview1_fd_write(int32_t fd, const struct wasi_ciovec *iovs,
										   size_t iovs_len, size_t *nwritten)
{
	size_t		total = 0;

	(void) fd;
	for (size_t i = 0; i < iovs_len; i++)
		total += iovs[i].buf_len;
	*nwritten = total;
	return WASI_ESUCCESS;
}

int32_t
__imported_wasi_snapshot_preview1_fd_read(int32_t fd, const struct wasi_ciovec *iovs,
										  size_t iovs_len, size_t *nread)
{
	(void) fd;
	(void) iovs;
	(void) iovs_len;
	*nread = 0;
	return WASI_ESUCCESS;
}

int32_t
__imported_wasi_snapshot_preview1_fd_seek(int32_t fd, int64_t offset, int32_t whence,
										  uint64_t *newoffset)
{
	(void) fd;
	(void) offset;
	(void) whence;
	(void) newoffset;
	return WASI_ESPIPE;
}

int32_t
__imported_wasi_snapshot_preview1_fd_close(int32_t fd)
{
	(void) fd;
	return WASI_ESUCCESS;
}

int32_t
__imported_wasi_snapshot_preview1_fd_fdstat_get(int32_t fd, void *stat)
{
	(void) fd;
	(void) stat;
	return WASI_EBADF;
}

void
__imported_wasi_snapshot_preview1_proc_exit(int32_t code)
{
	(void) code;
	__builtin_trap();
}

void
exit(int code)
{
	(void) code;
	__builtin_trap();
}

void
_Exit(int code)
{
	(void) code;
	__builtin_trap();
}

void
_exit(int code)
{
	(void) code;
	__builtin_trap();
}

int
getpid(void)
{
	return 1;
}

void
__wasm_call_dtors(void)
{
}

__attribute__((used)) void (*const schemasim_wasm_call_ctors_ref) (void) = __wasm_call_ctors;
