//! The time and memory one file's tree-sitter parse may take before it is cancelled.
//!
//! tree-sitter's error recovery can grow quadratically on malformed input (60 KB of
//! broken Objective-C took 42 s), so a parse that overruns is cancelled and the file is
//! skipped with a note; the run goes on with the other files. The time budget is
//! process-wide (set once from the config or `--parse-timeout`); the overrun flag is per
//! thread, as each worker lowers one file at a time. A tree costs up to 70 bytes per byte of
//! dense code, so a parse whose tree passes [`MEMORY_BYTES`] is cancelled the same way: the
//! bound on one file's memory whatever its size (the binary counts tree-sitter's
//! allocations, `allocator.rs`; without that, as in unit tests, only time is bounded).

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

/// The default budget in milliseconds: the slowest file of the 1 M-line benchmark corpus
/// (a 440 KB Swift file) lints whole in 0.23 s, so only pathological input comes near this.
pub const DEFAULT_MILLIS: u64 = 10_000;

static BUDGET_MILLIS: AtomicU64 = AtomicU64::new(DEFAULT_MILLIS);

/// The most a parse's tree may hold. The largest source file in the 26 mirrored repositories
/// (a 3.2 MB generated Swift file) lints whole in 150 MB; a dense 8 MB function took 550 MB
/// to parse. With 256 MiB, the file just under it peaked near 490 MB (Objective-C, 5.6 MB of
/// dense methods): this leaves room for the facts lowered from the tree.
pub const MEMORY_BYTES: isize = 192 * 1024 * 1024;

/// Why a parse was cancelled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Overrun {
    None,
    Time,
    Memory,
}

thread_local! {
    static OVERRAN: Cell<Overrun> = const { Cell::new(Overrun::None) };
}

/// Sets the budget for every parse from now on (0 = no limit).
pub fn set(budget: Duration) {
    let millis = u64::try_from(budget.as_millis()).unwrap_or(u64::MAX);
    BUDGET_MILLIS.store(millis, Ordering::Relaxed);
}

/// The current budget; `None` when unlimited.
pub fn current() -> Option<Duration> {
    match BUDGET_MILLIS.load(Ordering::Relaxed) {
        0 => None,
        millis => Some(Duration::from_millis(millis)),
    }
}

/// Clears this thread's overrun flag (before a file is lowered).
pub(crate) fn start_file() {
    OVERRAN.with(|o| o.set(Overrun::None));
}

/// Whether a parse on this thread was cancelled since [`start_file`].
pub(crate) fn overran() -> bool {
    OVERRAN.with(Cell::get) != Overrun::None
}

/// Parses `source` with `parser`, cancelling once the time or memory budget is spent;
/// `None` when the parse was cancelled (the flag is then set) or tree-sitter failed. The
/// parser is reset first, so a cancelled parse is never resumed.
pub(crate) fn parse(parser: &mut Parser, source: &[u8]) -> Option<Tree> {
    parser.reset();
    let deadline = current().map(|budget| Instant::now() + budget);
    let held_before = super::allocator::tree_sitter_bytes();
    let mut why = Overrun::None;
    let mut over = |_: &ParseState| {
        if super::allocator::tree_sitter_bytes().wrapping_sub(held_before) > MEMORY_BYTES {
            why = Overrun::Memory;
        } else if deadline.is_some_and(|d| Instant::now() >= d) {
            why = Overrun::Time;
        }
        why != Overrun::None
    };
    let options = ParseOptions::new().progress_callback(&mut over);
    let len = source.len();
    let tree = parser.parse_with_options(
        &mut |offset: usize, _| if offset < len { &source[offset..] } else { &[] },
        None,
        Some(options),
    );
    if tree.is_none() && why != Overrun::None {
        OVERRAN.with(|o| o.set(why));
    }
    tree
}

/// The note for a file whose parse was cancelled.
pub(crate) fn message() -> String {
    if OVERRAN.with(Cell::get) == Overrun::Memory {
        return format!(
            "parse needed more than {} MiB; file skipped (split it to lint it)",
            MEMORY_BYTES / (1024 * 1024)
        );
    }
    let secs = current().map_or(0.0, |d| d.as_secs_f64());
    format!("{TIMED_OUT} {secs} s; file skipped (raise `parse-timeout` to lint it)")
}

const TIMED_OUT: &str = "parse took longer than";

/// Whether a note says a parse ran out of time: unlike every other result, that depends on
/// how busy the machine was (a cache must not keep it).
pub fn timed_out(message: &str) -> bool {
    message.starts_with(TIMED_OUT)
}
