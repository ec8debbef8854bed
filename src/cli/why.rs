//! `sessionlint check --explain FILE:LINE`: why each session created on that line is
//! reported or silent, in human words or JSON.

use super::args::CheckArgs;
use super::{exit, UsageError};
use crate::facts::Span;
use crate::report::Format;
use crate::rules::explain::Explanation;
use crate::run::{ExplainAt, Outcome};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Parses `FILE:LINE` (the last colon splits, so paths may contain colons).
pub fn parse_location(s: &str) -> Result<ExplainAt, String> {
    let (path, line) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("`{s}` is not FILE:LINE"))?;
    let line: u32 = line
        .parse()
        .ok()
        .filter(|&l| l > 0)
        .ok_or_else(|| format!("`{line}` is not a line number (1 or more)"))?;
    if path.is_empty() {
        return Err(format!("`{s}` names no file"));
    }
    Ok(ExplainAt {
        path: path.into(),
        line,
    })
}

/// Prints the explanations of `outcome` for `at`.
pub fn print(
    args: &CheckArgs,
    at: &ExplainAt,
    outcome: &Outcome,
    explanations: &[Explanation],
    cwd: &Path,
) -> Result<u8, UsageError> {
    if !at.path.exists() {
        return Err(UsageError(format!(
            "--explain: {} does not exist",
            at.path.display()
        )));
    }
    let mut places = Places::new(outcome, cwd);
    let text = match args.format {
        Format::Human => human(at, explanations, &mut places),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json_of(at, explanations, &mut places))
                .map_err(|e| UsageError(format!("cannot write the explanation: {e}")))?;
            text.push('\n');
            text
        }
        other => {
            return Err(UsageError(format!(
                "--explain writes `human` or `json`, not `{}`",
                format!("{other:?}").to_lowercase()
            )))
        }
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, text.as_bytes()),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|_| out.flush())
        }
    };
    match written {
        Ok(()) => Ok(exit::CLEAN),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::CLEAN),
        Err(e) => Err(UsageError(format!("cannot write the explanation: {e}"))),
    }
}

/// Turns (file, span) into a displayed path, line and column; reads a text only when its
/// column is asked for (a run drops the text of files without findings).
struct Places<'o> {
    outcome: &'o Outcome,
    cwd: &'o Path,
    texts: HashMap<usize, String>,
}

impl<'o> Places<'o> {
    fn new(outcome: &'o Outcome, cwd: &'o Path) -> Places<'o> {
        Places {
            outcome,
            cwd,
            texts: HashMap::new(),
        }
    }

    fn path(&self, file: usize) -> String {
        let path = &self.outcome.files[file].path;
        let path = path.strip_prefix(self.cwd).unwrap_or(path);
        // `./Client.swift` as walked: shown as `Client.swift`.
        let shown: std::path::PathBuf = path
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        shown.display().to_string()
    }

    fn line_col(&mut self, file: usize, span: Span) -> (u32, u32) {
        let source = &self.outcome.files[file];
        let text = self.texts.entry(file).or_insert_with(|| {
            if source.text.is_empty() {
                std::fs::read_to_string(&source.path).unwrap_or_default()
            } else {
                source.text.to_string()
            }
        });
        let at = source.lines.line_col(text, span.start);
        (at.line, at.column)
    }
}

fn human(at: &ExplainAt, explanations: &[Explanation], places: &mut Places) -> String {
    let asked = format!("{}:{}", at.path.display(), at.line);
    if explanations.is_empty() {
        return format!(
            "{asked}: no session is created on this line (or the file was not linted: it is not under the given paths, or it names no session API)\n"
        );
    }
    let mut out = String::new();
    for e in explanations {
        let (line, column) = places.line_col(e.file, e.span);
        out.push_str(&format!(
            "{}:{line}:{column}: {}\n",
            places.path(e.file),
            e.session
        ));
        if e.reported.is_empty() {
            out.push_str("  silent:\n");
        } else {
            out.push_str(&format!("  reported: {}\n", e.reported.join(", ")));
            if !e.reasons.is_empty() {
                out.push_str("  also known:\n");
            }
        }
        for b in &e.reasons {
            let elsewhere = match b.at {
                Some((file, span)) if file != e.file => {
                    let (line, _) = places.line_col(file, span);
                    format!(" ({}:{line})", places.path(file))
                }
                _ => String::new(),
            };
            out.push_str(&format!("    - {}{elsewhere}\n", b.message));
        }
    }
    out
}

fn json_of(at: &ExplainAt, explanations: &[Explanation], places: &mut Places) -> Value {
    let sites: Vec<Value> = explanations.iter().map(|e| site_json(e, places)).collect();
    json!({
        "file": at.path.display().to_string(),
        "line": at.line,
        "sites": sites,
    })
}

fn site_json(e: &Explanation, places: &mut Places) -> Value {
    let (line, column) = places.line_col(e.file, e.span);
    let reasons: Vec<Value> = e
        .reasons
        .iter()
        .map(|b| {
            let mut r = json!({ "kind": b.kind, "message": b.message });
            if let Some((file, span)) = b.at {
                let (line, column) = places.line_col(file, span);
                r["file"] = json!(places.path(file));
                r["line"] = json!(line);
                r["column"] = json!(column);
            }
            r
        })
        .collect();
    json!({
        "file": places.path(e.file),
        "line": line,
        "column": column,
        "session": e.session,
        "reported": e.reported,
        "silent": e.reported.is_empty(),
        "reasons": reasons,
    })
}
