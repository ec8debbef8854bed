//! `sessionlint server`: the language server.

/// Runs the server on stdin/stdout until the client says exit.
pub fn run() -> Result<u8, String> {
    Err("not yet".into())
}
