//! `--format json`, as INTERFACES.md specifies.

use super::position::Report;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'a str,
    files_scanned: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'static str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
    language: &'static str,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
}

pub use super::position::display_path;

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let diagnostics = report
        .findings
        .iter()
        .map(|f| JsonDiagnostic {
            rule: &f.meta.id,
            name: &f.meta.name,
            severity: f.severity.as_str(),
            path: &f.location.path,
            line: f.location.start.line,
            column: f.location.start.column,
            end_line: f.location.end.line,
            end_column: f.location.end.column,
            message: f.message,
            language: f.language.as_str(),
            related: f
                .related
                .iter()
                .map(|(location, message)| JsonRelated {
                    path: &location.path,
                    line: location.start.line,
                    column: location.start.column,
                    message,
                })
                .collect(),
        })
        .collect();
    let json = JsonReport {
        version: env!("CARGO_PKG_VERSION"),
        files_scanned: report.files_scanned(),
        diagnostics,
        errors: report
            .errors
            .iter()
            .map(|e| JsonError {
                path: &e.path,
                message: &e.error.message,
                line: e.error.line,
                column: e.error.column,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}
