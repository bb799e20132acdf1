//! C `malloc`, `calloc`, `realloc` and `free` implemented over Rust's global allocator.
//!
//! Every block carries a 16-byte header in front of the pointer handed to C; the first
//! word of it holds the requested size, which `free`/`realloc` need to rebuild the
//! [`Layout`]. Blocks are 16-byte aligned, like `max_align_t` on wasm32.

use alloc::alloc::{alloc, alloc_zeroed, dealloc, realloc as rust_realloc, Layout};
use core::ffi::c_void;
use core::ptr;

/// Bytes in front of every block; also the alignment of every block.
const HEADER: usize = 16;

/// Layout of a block whose C-visible part is `size` bytes, or `None` if it overflows.
fn block_layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

/// Records `size` in the header at `base` and returns the C-visible pointer.
///
/// # Safety
/// `base` is null or the start of a block of at least `HEADER + size` bytes.
#[allow(clippy::cast_ptr_alignment)] // blocks are HEADER (16-byte) aligned
unsafe fn finish(base: *mut u8, size: usize) -> *mut c_void {
    if base.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: `base` is 16-byte aligned and the block is at least HEADER bytes long.
    unsafe {
        base.cast::<usize>().write(size);
        base.add(HEADER).cast()
    }
}

/// Returns the block start and recorded size for a pointer made by [`finish`].
///
/// # Safety
/// `p` was returned by this module's `malloc`/`calloc`/`realloc` and not freed since.
#[allow(clippy::cast_ptr_alignment)] // blocks are HEADER (16-byte) aligned
unsafe fn block_of(p: *mut c_void) -> (*mut u8, usize) {
    // SAFETY: per the contract, the header sits HEADER bytes before `p`, and the
    // block (so the header) is 16-byte aligned.
    unsafe {
        let base = p.cast::<u8>().sub(HEADER);
        (base, base.cast::<usize>().read())
    }
}

/// C `malloc`.
///
/// # Safety
/// Called from C with C's `malloc` contract.
#[no_mangle]
pub unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
    match block_layout(size) {
        // SAFETY: the layout is non-zero-sized (at least HEADER bytes).
        Some(layout) => unsafe { finish(alloc(layout), size) },
        None => ptr::null_mut(),
    }
}

/// C `calloc`.
///
/// # Safety
/// Called from C with C's `calloc` contract.
#[no_mangle]
pub unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    let Some(total) = count.checked_mul(size) else {
        return ptr::null_mut();
    };
    match block_layout(total) {
        // SAFETY: the layout is non-zero-sized (at least HEADER bytes).
        Some(layout) => unsafe { finish(alloc_zeroed(layout), total) },
        None => ptr::null_mut(),
    }
}

/// C `realloc`. A null `p` behaves like `malloc`; a `new_size` of 0 returns a
/// minimal block (never null on success), which `free` accepts.
///
/// # Safety
/// Called from C with C's `realloc` contract.
#[no_mangle]
pub unsafe extern "C" fn realloc(p: *mut c_void, new_size: usize) -> *mut c_void {
    if p.is_null() {
        // SAFETY: same contract as malloc.
        return unsafe { malloc(new_size) };
    }
    let Some(new_layout) = block_layout(new_size) else {
        return ptr::null_mut();
    };
    // SAFETY: `p` came from this module (C's contract), so its header is valid and
    // `old_size` rebuilds the layout it was allocated with; the new size is non-zero
    // and does not overflow when rounded to the alignment (checked by block_layout).
    unsafe {
        let (base, old_size) = block_of(p);
        let old_layout = Layout::from_size_align_unchecked(old_size + HEADER, HEADER);
        finish(rust_realloc(base, old_layout, new_layout.size()), new_size)
    }
}

/// C `free`.
///
/// # Safety
/// Called from C with C's `free` contract.
#[no_mangle]
pub unsafe extern "C" fn free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` came from this module, so the header rebuilds its allocation layout.
    unsafe {
        let (base, size) = block_of(p);
        dealloc(base, Layout::from_size_align_unchecked(size + HEADER, HEADER));
    }
}
