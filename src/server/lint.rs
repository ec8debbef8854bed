//! One lint of the workspace for the editor: the open buffers as they are in the editor, the
//! rest of the workspace from disk for project context (owner rules across files), the
//! workspace's `sessionlint.toml` read afresh each time (so an edit to it counts at once).
//! Findings become LSP diagnostics, with the edits of their code actions computed now,
//! against the text that was linted.

use crate::config::{self, Config};
use crate::facts::span::LineCol;
use crate::fix::Applicability;
use crate::rules::registry::Severity;
use crate::run::{self, Input, Settings, SourceFile};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, TextEdit, Url,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An open buffer, as the editor last sent it.
#[derive(Clone, Debug)]
pub struct Document {
    pub version: i32,
    pub text: Arc<str>,
}

/// What a lint found in one open buffer.
#[derive(Clone, Debug, Default)]
pub struct DocumentResult {
    /// The buffer version that was linted: code actions are offered only for it.
    pub version: i32,
    pub findings: Vec<EditorFinding>,
}

/// A finding as the editor shows it, with the edits its code actions make.
#[derive(Clone, Debug)]
pub struct EditorFinding {
    pub diagnostic: Diagnostic,
    pub rule: String,
    /// The safe fix: its title and edits.
    pub fix: Option<(String, Vec<TextEdit>)>,
    /// `// sessionlint:disable-next-line SL00x` above the finding's line, indented like it.
    pub suppression: TextEdit,
}

/// The result of one lint: per open buffer, and a problem to tell the user about.
pub struct Linted {
    pub documents: HashMap<Url, DocumentResult>,
    /// A config file that could not be read (the lint then used the defaults).
    pub config_error: Option<String>,
}

/// Lints `root` (when there is one) with `documents` overriding the files on disk.
pub fn lint(root: Option<&Path>, documents: &HashMap<Url, Document>) -> Linted {
    let (config, config_error) = load_config(root);
    let mut inputs = Vec::new();
    let mut open: HashMap<PathBuf, (Url, i32)> = HashMap::new();
    for (url, doc) in documents {
        let Ok(path) = url.to_file_path() else {
            continue;
        };
        if crate::facts::Language::from_path(&path).is_none() {
            continue;
        }
        open.insert(path.clone(), (url.clone(), doc.version));
        inputs.push(Input {
            path,
            content: Some(doc.text.as_bytes().to_vec()),
        });
    }
    if let Some(root) = root {
        let filter = config.file_filter(root);
        if let Ok(found) = crate::discover::discover(&[root.to_path_buf()], false) {
            inputs.extend(
                found
                    .files
                    .into_iter()
                    .filter(|p| !open.contains_key(p) && filter.accepts(p))
                    .map(Input::file),
            );
        }
    }
    let settings = Settings {
        config,
        ..Settings::default()
    };
    let mut outcome = run::check_inputs(inputs, &settings);
    let enabled = |id: &str| {
        crate::rules::registry::find(id)
            .is_some_and(|rule| settings.config.level(rule) != config::Level::Off)
    };
    crate::suppress::apply(&mut outcome, false, &enabled);

    let mut results: HashMap<Url, DocumentResult> = open
        .values()
        .map(|(url, version)| {
            (
                url.clone(),
                DocumentResult {
                    version: *version,
                    findings: Vec::new(),
                },
            )
        })
        .collect();
    for finding in &outcome.findings {
        let d = &finding.diagnostic;
        let file = &outcome.files[d.file];
        let Some((url, _)) = open.get(&file.path) else {
            continue;
        };
        let meta = crate::report::position::rule_meta(d.rule);
        let related = d
            .related
            .iter()
            .filter_map(|r| {
                let other = &outcome.files[r.file];
                Some(DiagnosticRelatedInformation {
                    location: Location {
                        uri: Url::from_file_path(&other.path).ok()?,
                        range: range(other, r.span.start as usize, r.span.end as usize),
                    },
                    message: r.message.clone(),
                })
            })
            .collect::<Vec<_>>();
        let diagnostic = Diagnostic {
            range: range(file, d.span.start as usize, d.span.end as usize),
            severity: Some(severity(finding.severity)),
            code: Some(NumberOrString::String(d.rule.to_string())),
            code_description: Url::parse(&crate::report::sarif::help_uri(meta))
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some("sessionlint".into()),
            message: d.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        };
        let fix = d
            .fix
            .as_ref()
            .filter(|f| f.applicability == Applicability::Safe)
            .and_then(|f| {
                let edits = crate::fix::resolve(f, &file.text, file.language)?;
                let edits = edits
                    .into_iter()
                    .map(|e| TextEdit {
                        range: range(file, e.range.start, e.range.end),
                        new_text: e.content,
                    })
                    .collect();
                Some((f.title.clone(), edits))
            });
        if let Some(result) = results.get_mut(url) {
            result.findings.push(EditorFinding {
                suppression: suppression(file, d.span.start as usize, d.rule),
                diagnostic,
                rule: d.rule.to_string(),
                fix,
            });
        }
    }
    Linted {
        documents: results,
        config_error,
    }
}

/// The workspace's config, read now; the defaults (and why) when it cannot be read.
fn load_config(root: Option<&Path>) -> (Config, Option<String>) {
    let Some(file) = root.and_then(config::find_config_file) else {
        return (Config::default(), None);
    };
    match config::load_file(&file) {
        Ok(config) => (config, None),
        Err(e) => (
            Config::default(),
            Some(format!("{e} (linting with the default settings)")),
        ),
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// An LSP position: 0-based line, column in UTF-16 code units (the protocol's default).
pub fn position(file: &SourceFile, offset: usize) -> Position {
    let text = &file.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let LineCol { line, .. } = file.lines.line_col(text, offset as u32);
    let start = file.lines.line_start(line).unwrap_or(0) as usize;
    let character = text
        .get(start.min(offset)..offset)
        .map_or(0, |s| s.encode_utf16().count());
    Position {
        line: line - 1,
        character: character as u32,
    }
}

fn range(file: &SourceFile, start: usize, end: usize) -> Range {
    Range {
        start: position(file, start),
        end: position(file, end),
    }
}

/// `// sessionlint:disable-next-line SL00x` on a line of its own above the finding's line,
/// with that line's indentation (every language sessionlint reads has `//` comments).
fn suppression(file: &SourceFile, offset: usize, rule: &str) -> TextEdit {
    let line = file.lines.line_of(offset as u32);
    let start = file.lines.line_start(line).unwrap_or(0) as usize;
    let indent: String = file.text[start.min(file.text.len())..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let brk = if file.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let at = position(file, start);
    TextEdit {
        range: Range { start: at, end: at },
        new_text: format!("{indent}// sessionlint:disable-next-line {rule}{brk}"),
    }
}
