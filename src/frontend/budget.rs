//! The time one file's tree-sitter parse may take before it is cancelled.
//!
//! tree-sitter's error recovery can grow quadratically on malformed input (60 KB of
//! broken Objective-C took 42 s), so a parse that overruns is cancelled and the file is
//! skipped with a note; the run goes on with the other files. The budget is process-wide
//! (set once from the config or `--parse-timeout`); the overrun flag is per thread, as
//! each worker lowers one file at a time.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

/// The default budget in milliseconds: the slowest file of the 1 M-line benchmark corpus
/// (a 440 KB Swift file) lints whole in 0.23 s, so only pathological input comes near this.
pub const DEFAULT_MILLIS: u64 = 10_000;

static BUDGET_MILLIS: AtomicU64 = AtomicU64::new(DEFAULT_MILLIS);

thread_local! {
    static OVERRAN: Cell<bool> = const { Cell::new(false) };
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
    OVERRAN.with(|o| o.set(false));
}

/// Whether a parse on this thread was cancelled since [`start_file`].
pub(crate) fn overran() -> bool {
    OVERRAN.with(Cell::get)
}

/// Parses `source` with `parser`, cancelling once the budget is spent; `None` when the
/// parse was cancelled (the flag is then set) or tree-sitter failed. The parser is reset
/// first, so a cancelled parse is never resumed.
pub(crate) fn parse(parser: &mut Parser, source: &[u8]) -> Option<Tree> {
    parser.reset();
    let Some(budget) = current() else {
        return parser.parse(source, None);
    };
    let deadline = Instant::now() + budget;
    let mut over = |_: &ParseState| Instant::now() >= deadline;
    let options = ParseOptions::new().progress_callback(&mut over);
    let len = source.len();
    let tree = parser.parse_with_options(
        &mut |offset: usize, _| if offset < len { &source[offset..] } else { &[] },
        None,
        Some(options),
    );
    if tree.is_none() && Instant::now() >= deadline {
        OVERRAN.with(|o| o.set(true));
    }
    tree
}

/// The note for a file whose parse was cancelled.
pub(crate) fn message() -> String {
    let secs = current().map_or(0.0, |d| d.as_secs_f64());
    format!("parse took longer than {secs} s; file skipped (raise `parse-timeout` to lint it)")
}
