//! `--format xcode`: `PATH:LINE:COL: warning: MESSAGE (SL001)` with absolute paths, as Xcode's
//! build log parses them, so a Run Script phase shows findings inline.

use super::position::Report;
use crate::run::ErrorKind;
use std::io::Write;

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        let at = &f.location;
        writeln!(
            out,
            "{}:{}:{}: {}: {} ({})",
            at.absolute.display(),
            at.start.line,
            at.start.column,
            f.severity.as_str(),
            one_line(f.message),
            f.meta.id,
        )?;
        for (related, message) in &f.related {
            writeln!(
                out,
                "{}:{}:{}: note: {}",
                related.absolute.display(),
                related.start.line,
                related.start.column,
                one_line(message),
            )?;
        }
    }
    // Parse trouble is listed by `--verbose` on stderr, not in the build log: tree-sitter
    // misreads some valid files, and a build-log warning for that would be noise.
    for e in report.errors.iter().filter(|e| e.kind != ErrorKind::Parse) {
        let position = match (e.error.line, e.error.column) {
            (Some(line), Some(column)) => format!("{line}:{column}:"),
            _ => String::new(),
        };
        writeln!(
            out,
            "{}:{position} note: sessionlint: {}",
            e.absolute.display(),
            one_line(&e.error.message)
        )?;
    }
    Ok(())
}

/// Xcode reads one diagnostic a line.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
