//! Panics caught per unit of work (a file's lowering, a function's analysis): below every
//! stage, so each can report a caught panic without reaching up to the one that wires them.

/// The text of a caught panic.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
