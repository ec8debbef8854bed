//! The command line: argument parsing, the three commands, exit codes.

pub mod args;
mod check;
mod docs;
mod fixing;
mod inputs;
mod progress;
mod why;

use clap::Parser;
use std::process::ExitCode;

/// Exit codes (INTERFACES.md).
pub mod exit {
    /// Nothing at or above the failing level.
    pub const CLEAN: u8 = 0;
    /// Diagnostics found (or, with `--strict`, files that could not be read or parsed).
    pub const FINDINGS: u8 = 1;
    /// Usage or configuration error, or a named path that does not exist.
    pub const USAGE: u8 = 2;
}

/// A failure that ends the run with exit code 2, after printing `error: {0}`.
#[derive(Debug)]
pub struct UsageError(pub String);

pub fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Check(args) => check::run(&args),
        args::Command::Explain { rule } => docs::explain(&rule),
        args::Command::Rules => docs::rules_table(),
        args::Command::Server => crate::server::run().map_err(UsageError),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(exit::USAGE)
        }
    }
}
