//! Output formats. Emitters only format: no analysis, no I/O beyond the writer they get.
//! Positions, paths and fingerprints are resolved once, in [`position`], for all of them.

pub mod github;
pub mod human;
pub mod json;
pub mod position;
pub mod sarif;
pub mod xcode;

pub use position::Report;

use codespan_reporting::term::termcolor::{Ansi, NoColor};
use std::io::Write;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Xcode,
}

/// How sessionlint was run, for formats that record it (SARIF `invocations`).
#[derive(Clone, Debug)]
pub struct Invocation {
    pub command_line: Vec<String>,
    pub working_directory: std::path::PathBuf,
    pub started: std::time::SystemTime,
    pub finished: std::time::SystemTime,
    /// The exit code the run ends with.
    pub exit_code: u8,
}

/// Writes `report` in `format`; `color` only matters for `human`.
pub fn write(
    report: &Report,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    write_invoked(report, format, color, None, out)
}

/// [`write`], recording how sessionlint was run where the format has room for it.
pub fn write_invoked(
    report: &Report,
    format: Format,
    color: bool,
    invocation: Option<&Invocation>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human if color => human::write(report, &mut Ansi::new(out)),
        Format::Human => human::write(report, &mut NoColor::new(out)),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write_with(report, invocation, out),
        Format::Github => github::write(report, out),
        Format::Xcode => xcode::write(report, out),
    }
}
