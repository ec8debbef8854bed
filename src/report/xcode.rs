//! `--format xcode`: `PATH:LINE:COL: warning: MESSAGE (SL001)` with absolute paths, as Xcode's
//! build log parses them, so a Run Script phase shows findings inline.
//!
//! As clang and swiftc write them: columns count UTF-8 bytes, and a `note:` line belongs to
//! the `error:`/`warning:` line before it (Xcode nests it there). So related locations follow
//! their finding as notes, and nothing else is written as a bare `note:`: a note-level finding
//! is a `warning:` (its level named in the message), and a file that could not be read is a
//! `warning:` too.

use super::position::escape_control;
use super::position::{Location, Report};
use crate::rules::registry::Severity;
use crate::run::{ErrorKind, SourceFile};
use std::io::Write;

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let files = &report.outcome.files;
    for f in &report.findings {
        let at = &f.location;
        let (level, suffix) = match f.severity {
            Severity::Error => ("error", ""),
            Severity::Warning => ("warning", ""),
            Severity::Note => ("warning", ", note"),
        };
        writeln!(
            out,
            "{}:{}:{}: {level}: {} ({}{suffix})",
            escape_control(&at.absolute.display().to_string()),
            at.start.line,
            byte_column(&files[at.file], at),
            one_line(f.message),
            f.meta.id,
        )?;
        for (related, message) in &f.related {
            writeln!(
                out,
                "{}:{}:{}: note: {}",
                escape_control(&related.absolute.display().to_string()),
                related.start.line,
                byte_column(&files[related.file], related),
                one_line(message),
            )?;
        }
    }
    // Parse trouble is summarised on stderr, not in the build log: tree-sitter misreads some
    // valid files, and a build-log warning for that would be noise.
    for e in report.errors.iter().filter(|e| e.kind != ErrorKind::Parse) {
        let position = match (e.error.line, e.error.column) {
            (Some(line), Some(column)) => format!("{line}:{column}:"),
            _ => String::new(),
        };
        writeln!(
            out,
            "{}:{position} warning: sessionlint: {}",
            escape_control(&e.absolute.display().to_string()),
            one_line(&e.error.message)
        )?;
    }
    Ok(())
}

/// The 1-based column in UTF-8 bytes, as clang and swiftc count it.
fn byte_column(file: &SourceFile, at: &Location) -> u32 {
    let line_start = file.lines.line_start(at.start.line).unwrap_or(0);
    at.span.start.saturating_sub(line_start) + 1
}

/// Xcode reads one diagnostic a line.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
