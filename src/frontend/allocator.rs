//! Where tree-sitter's own allocations go, and how much a parse holds.
//!
//! tree-sitter allocates every node, stack entry and cursor through its C allocator hooks,
//! which default to the system `malloc`. Handing them to mimalloc (the binary's Rust
//! allocator too) cuts a parse's instructions by about 7% (callgrind, 100k-line corpus:
//! 5.57 G → 5.18 G) and keeps the parser's and the lowering's memory in one pool.
//! The hooks also count the bytes each thread holds, so a parse can be stopped when its
//! tree grows past the memory budget (`budget.rs`).

use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc, mi_usable_size};
use std::cell::Cell;
use std::ffi::c_void;

thread_local! {
    /// Bytes tree-sitter allocated on this thread less those freed on it. A block freed on
    /// another thread is not subtracted here, so only differences over one parse (which
    /// allocates and frees on its own thread) are meaningful.
    static HELD: Cell<isize> = const { Cell::new(0) };
}

/// This thread's count of tree-sitter bytes: subtract two readings for what a parse added.
pub fn tree_sitter_bytes() -> isize {
    HELD.with(Cell::get)
}

fn add(bytes: isize) {
    HELD.with(|held| held.set(held.get().wrapping_add(bytes)));
}

/// The size mimalloc gave the block at `p` (0 for null).
unsafe fn size_of_block(p: *const c_void) -> isize {
    if p.is_null() {
        0
    } else {
        // SAFETY: `p` came from mimalloc (all tree-sitter blocks do once the hooks are set).
        unsafe { mi_usable_size(p) as isize }
    }
}

unsafe extern "C" fn counted_malloc(size: usize) -> *mut c_void {
    // SAFETY: mimalloc's malloc; the block is then measured.
    unsafe {
        let p = mi_malloc(size);
        add(size_of_block(p));
        p
    }
}

unsafe extern "C" fn counted_calloc(count: usize, size: usize) -> *mut c_void {
    // SAFETY: as `counted_malloc`.
    unsafe {
        let p = mi_calloc(count, size);
        add(size_of_block(p));
        p
    }
}

unsafe extern "C" fn counted_realloc(p: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: `p` is null or a live mimalloc block tree-sitter hands back.
    unsafe {
        let before = size_of_block(p);
        let q = mi_realloc(p, size);
        if !q.is_null() || size == 0 {
            add(size_of_block(q) - before);
        }
        q
    }
}

unsafe extern "C" fn counted_free(p: *mut c_void) {
    // SAFETY: `p` is null or a live mimalloc block tree-sitter gives up.
    unsafe {
        add(-size_of_block(p));
        mi_free(p);
    }
}

/// Routes tree-sitter's allocations to mimalloc, counted per thread.
///
/// # Safety
/// Must run before any tree-sitter parser, tree or cursor exists: memory taken from one
/// allocator must never be returned to the other.
pub unsafe fn use_mimalloc() {
    // SAFETY: the caller guarantees nothing was allocated through the old hooks, and these
    // wrap mimalloc's C entry points with the signatures tree-sitter expects; setting an
    // option is always allowed.
    unsafe {
        tune_mimalloc();
        tree_sitter::set_allocator(
            Some(counted_malloc),
            Some(counted_calloc),
            Some(counted_realloc),
            Some(counted_free),
        );
    }
}

/// mimalloc 3's option indices (`mi_option_e` in its `mimalloc.h`; the sys crate names
/// neither). Checked against the linked version before use, and by a test.
mod option {
    pub const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    pub const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;
}

/// A run frees each file's tree and text as soon as it is lowered and soon allocates as
/// much for the next one.
/// - Pages that come back as transparent huge pages are zeroed by the kernel 2 MiB at a
///   time: a cold run on the real corpus spent a fifth of its samples in `clear_page_erms`.
///   Small pages: 76-88 MB → 68 MB, and no slower.
/// - Freed pages go back after a tenth of a second, not mimalloc's second: the hostile
///   inputs' test (one huge file's aborted parse, then the next) peaked at 528 MiB with a
///   second, over its 512 MiB bound. Nor at once: unmapping, shooting down TLBs and
///   faulting zeroed pages back in took a tenth of a real-corpus run (cold, 53 → 58 MB).
///
/// mimalloc reads its huge-page switch when it starts, before `main`, so this process
/// turns them off itself, as mimalloc would.
unsafe fn tune_mimalloc() {
    // SAFETY: plain reads and writes of mimalloc's option table; the `prctl` takes no
    // pointers.
    unsafe {
        if libmimalloc_sys::mi_version() / 10_000 != 3 {
            return;
        }
        libmimalloc_sys::mi_option_set(option::PURGE_DELAY, 100);
        libmimalloc_sys::mi_option_set(option::ALLOW_THP, 0);
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::option;

    /// An upgrade that moves mimalloc's options would set the wrong ones: their documented
    /// defaults (purge after a second, huge pages allowed) pin the indices. Tests never call
    /// `use_mimalloc`, so the defaults are what the library reads.
    #[test]
    fn the_option_indices_name_mimalloc_s_purge_delay_and_huge_page_switch() {
        // SAFETY: reads of mimalloc's option table.
        unsafe {
            assert_eq!(libmimalloc_sys::mi_version() / 10_000, 3);
            assert_eq!(libmimalloc_sys::mi_option_get(option::PURGE_DELAY), 1000);
            assert_eq!(libmimalloc_sys::mi_option_get(option::ALLOW_THP), 1);
        }
    }
}
