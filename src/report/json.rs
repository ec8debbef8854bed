//! `--format json`, as INTERFACES.md specifies.

use crate::run::Outcome;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

#[derive(Serialize)]
struct Report<'a> {
    version: &'a str,
    files_scanned: usize,
    diagnostics: Vec<JsonDiagnostic>,
    errors: Vec<JsonError>,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    rule: &'static str,
    name: String,
    severity: &'static str,
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: String,
    language: &'static str,
    related: Vec<JsonRelated>,
}

#[derive(Serialize)]
struct JsonRelated {
    path: String,
    line: u32,
    column: u32,
    message: String,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
}

/// A path relative to `cwd` when under it, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let rel = path.strip_prefix(cwd).unwrap_or(path);
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    rel.to_string_lossy().replace('\\', "/")
}

pub fn write(outcome: &Outcome, cwd: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let diagnostics = outcome
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let file = &outcome.files[d.file];
            let start = file.lines.line_col(&file.text, d.span.start);
            let end = file.lines.line_col(&file.text, d.span.end);
            JsonDiagnostic {
                rule: d.rule,
                name: crate::rules::registry::get(d.rule).name.clone(),
                severity: f.severity.as_str(),
                path: display_path(&file.path, cwd),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: d.message.clone(),
                language: file.language.as_str(),
                related: d
                    .related
                    .iter()
                    .map(|r| {
                        let rf = &outcome.files[r.file];
                        let pos = rf.lines.line_col(&rf.text, r.span.start);
                        JsonRelated {
                            path: display_path(&rf.path, cwd),
                            line: pos.line,
                            column: pos.column,
                            message: r.message.clone(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let report = Report {
        version: env!("CARGO_PKG_VERSION"),
        files_scanned: outcome.files.len(),
        diagnostics,
        errors: outcome
            .errors
            .iter()
            .map(|e| JsonError {
                path: display_path(&e.path, cwd),
                message: e.message.clone(),
                line: e.line,
                column: e.column,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
