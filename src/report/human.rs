//! `--format human`: codespan-reporting snippets, a help note from the rule, a count line.

use super::position::Report;
use crate::rules::registry::Severity;
use crate::run::SourceFile;
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::WriteColor};
use std::ops::Range;

pub fn write(report: &Report, out: &mut dyn WriteColor) -> std::io::Result<()> {
    write_diagnostics(report, out)?;
    writeln!(out, "{}", count_line(report))
}

/// The findings without the count line (`--quiet`).
pub fn write_findings(
    report: &Report,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use codespan_reporting::term::termcolor::{Ansi, NoColor};
    if color {
        write_diagnostics(report, &mut Ansi::new(out))
    } else {
        write_diagnostics(report, &mut NoColor::new(out))
    }
}

fn write_diagnostics(report: &Report, out: &mut dyn WriteColor) -> std::io::Result<()> {
    let files = ReportFiles::new(report);
    let config = term::Config::default();
    for f in &report.findings {
        let source = &report.outcome.files[f.location.file];
        let mut labels = vec![Label::primary(
            f.location.file,
            char_range(source, f.location.span.range()),
        )];
        for (related, message) in &f.related {
            let related_source = &report.outcome.files[related.file];
            labels.push(
                Label::secondary(
                    related.file,
                    char_range(related_source, related.span.range()),
                )
                .with_message(*message),
            );
        }
        let diagnostic = Diagnostic::new(severity(f.severity))
            .with_code(f.meta.id.as_str())
            .with_message(f.message)
            .with_labels(labels)
            .with_notes(vec![
                format!("help: {}", f.meta.help),
                format!("`{}`: see `sessionlint explain {}`", f.meta.name, f.meta.id),
            ]);
        term::emit(out, &config, &files, &diagnostic).map_err(files_error_to_io)?;
    }
    Ok(())
}

/// `found 3 problems: 1 error, 2 warnings` / `no problems found`, or why there is nothing to
/// say: no source files at all, or files that could not be read or fully parsed.
pub fn count_line(report: &Report) -> String {
    let (errors, warnings, notes) = report.counts();
    let total = errors + warnings + notes;
    if total == 0 && report.files_scanned() == 0 && report.errors.is_empty() {
        return "no source files found (.swift, .m, .mm, .h, .rs)".into();
    }
    if total == 0 {
        let troubled: std::collections::HashSet<_> = report
            .errors
            .iter()
            .filter(|e| e.kind != crate::run::ErrorKind::Skipped)
            .map(|e| &e.absolute)
            .collect();
        return match troubled.len() {
            0 => "no problems found".into(),
            n => format!(
                "no findings, but {} could not be fully read or parsed",
                plural(n, "file")
            ),
        };
    }
    let parts: Vec<String> = [(errors, "error"), (warnings, "warning"), (notes, "note")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| plural(*n, word))
        .collect();
    format!("found {}: {}", plural(total, "problem"), parts.join(", "))
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn severity(s: Severity) -> codespan_reporting::diagnostic::Severity {
    use codespan_reporting::diagnostic::Severity as S;
    match s {
        Severity::Error => S::Error,
        Severity::Warning => S::Warning,
        Severity::Note => S::Note,
    }
}

/// Snaps a byte range to char boundaries inside the text (codespan rejects anything else).
fn char_range(file: &SourceFile, range: Range<usize>) -> Range<usize> {
    let text = &file.text;
    let snap = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = snap(range.start);
    start..snap(range.end).max(start)
}

fn files_error_to_io(e: FilesError) -> std::io::Error {
    match e {
        FilesError::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    }
}

/// The run's files as codespan sees them, with our line index (which also knows lone `\r`).
struct ReportFiles<'a> {
    files: &'a [SourceFile],
    names: Vec<String>,
}

impl<'a> ReportFiles<'a> {
    fn new(report: &'a Report) -> Self {
        let files = &report.outcome.files;
        let names = files
            .iter()
            .map(|f| {
                let absolute = super::position::absolute_path(&f.path, &report.anchor);
                let shown = super::position::display_path(&absolute, &report.cwd);
                super::position::escape_control(&shown).into_owned()
            })
            .collect();
        ReportFiles { files, names }
    }

    fn file(&self, id: usize) -> Result<&'a SourceFile, FilesError> {
        self.files.get(id).ok_or(FilesError::FileMissing)
    }

    fn line_start(&self, id: usize, line_index: usize) -> Result<usize, FilesError> {
        let file = self.file(id)?;
        let count = file.lines.line_count();
        match line_index.cmp(&count) {
            std::cmp::Ordering::Less => Ok(file
                .lines
                .line_start(line_index as u32 + 1)
                .map_or(file.text.len(), |s| s as usize)),
            std::cmp::Ordering::Equal => Ok(file.text.len()),
            std::cmp::Ordering::Greater => Err(FilesError::LineTooLarge {
                given: line_index,
                max: count - 1,
            }),
        }
    }
}

impl<'a> Files<'a> for ReportFiles<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.names
            .get(id)
            .map(String::as_str)
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.file(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.file(id)?;
        let line = file.lines.line_col(&file.text, byte_index as u32).line;
        Ok(line as usize - 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        Ok(self.line_start(id, line_index)?..self.line_start(id, line_index + 1)?)
    }
}
