//! Resolves every finding's positions, paths and fingerprint once, for all emitters.

use crate::facts::span::LineCol;
use crate::facts::{Language, Span};
use crate::rules::registry::{RuleMeta, Severity};
use crate::run::{ErrorKind, FileError, Finding, Outcome, SourceFile};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// An outcome with every location turned into what users read.
pub struct Report<'a> {
    pub outcome: &'a Outcome,
    /// The folder paths are shown relative to (and `%SRCROOT%` in SARIF): the project root
    /// (the config file's folder), else the current folder.
    pub cwd: PathBuf,
    /// The current folder: relative paths in the outcome are read against it.
    pub anchor: PathBuf,
    pub findings: Vec<ResolvedFinding<'a>>,
    pub errors: Vec<ResolvedError<'a>>,
}

pub struct ResolvedFinding<'a> {
    pub finding: &'a Finding,
    pub meta: &'static RuleMeta,
    pub severity: Severity,
    pub location: Location,
    pub language: Language,
    pub message: &'a str,
    pub related: Vec<(Location, &'a str)>,
    /// Stable across unrelated edits above: see [`fingerprint_of`].
    pub fingerprint: String,
}

pub struct ResolvedError<'a> {
    pub error: &'a FileError,
    pub path: String,
    pub absolute: PathBuf,
    /// `Some` when the path is under `cwd` (SARIF then uses a relative URI).
    pub relative: Option<String>,
    pub kind: ErrorKind,
}

/// A span in a file, as 1-based lines and character columns.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: usize,
    /// Relative to `cwd` with `/` separators when under it; else as given.
    pub path: String,
    /// `Some` when under `cwd`.
    pub relative: Option<String>,
    pub absolute: PathBuf,
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
}

impl<'a> Report<'a> {
    pub fn new(outcome: &'a Outcome, cwd: &Path) -> Report<'a> {
        Report::rooted(outcome, cwd, cwd)
    }

    /// Paths (relative ones are read against `cwd`) shown relative to `root`.
    pub fn rooted(outcome: &'a Outcome, cwd: &Path, root: &Path) -> Report<'a> {
        let anchored = |path: &Path| absolute_path(path, cwd);
        let mut occurrences: HashMap<(&'static str, String, u64), usize> = HashMap::new();
        let findings = outcome
            .findings
            .iter()
            .map(|finding| {
                let d = &finding.diagnostic;
                let location = locate(&outcome.files, d.file, d.span, cwd, root);
                let hash = line_hash(&outcome.files[d.file], location.start.line, &d.message);
                let seen = occurrences
                    .entry((d.rule, location.path.clone(), hash))
                    .or_insert(0);
                let fingerprint = format!("{hash:016x}:{seen}");
                *seen += 1;
                ResolvedFinding {
                    finding,
                    meta: rule_meta(d.rule),
                    severity: finding.severity,
                    language: outcome.files[d.file].language,
                    message: &d.message,
                    related: d
                        .related
                        .iter()
                        .map(|r| {
                            (
                                locate(&outcome.files, r.file, r.span, cwd, root),
                                r.message.as_str(),
                            )
                        })
                        .collect(),
                    location,
                    fingerprint,
                }
            })
            .collect();
        let errors = outcome
            .errors
            .iter()
            .map(|error| {
                let absolute = anchored(&error.path);
                ResolvedError {
                    error,
                    path: display_path(&absolute, root),
                    relative: relative_path(&absolute, root),
                    absolute,
                    kind: error.kind,
                }
            })
            .collect();
        Report {
            outcome,
            cwd: root.to_path_buf(),
            anchor: cwd.to_path_buf(),
            findings,
            errors,
        }
    }

    /// Files looked at: those parsed plus those the prefilter showed cannot matter.
    pub fn files_scanned(&self) -> usize {
        self.outcome.files.len() + self.outcome.timings.files_skipped
    }

    /// How many findings of each severity: (errors, warnings, notes).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s| self.findings.iter().filter(|f| f.severity == s).count();
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        )
    }
}

/// A rule's words: the registry's rules plus sessionlint's own `unused-suppression`.
pub fn rule_meta(id: &str) -> &'static RuleMeta {
    crate::rules::registry::find(id).unwrap_or_else(crate::suppress::unused_suppression_meta)
}

/// Every rule an output may mention, in id order (SARIF `tool.driver.rules`).
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = crate::rules::registry::all().iter().collect();
    rules.insert(0, crate::suppress::unused_suppression_meta());
    rules
}

fn locate(files: &[SourceFile], file: usize, span: Span, cwd: &Path, root: &Path) -> Location {
    let source = &files[file];
    let absolute = absolute_path(&source.path, cwd);
    Location {
        file,
        path: display_path(&absolute, root),
        relative: relative_path(&absolute, root),
        absolute,
        span,
        start: source.lines.line_col(&source.text, span.start),
        end: source.lines.line_col(&source.text, span.end),
    }
}

/// How a report shows a path: relative to `cwd` when under it, otherwise absolute, always
/// with `.` and `..` resolved, so a shown path never climbs out of the root as written.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    relative_path(path, cwd).unwrap_or_else(|| slashed(&absolute_path(path, cwd)))
}

/// `path` relative to `cwd` with `/` separators, when it is under `cwd`.
pub fn relative_path(path: &Path, cwd: &Path) -> Option<String> {
    let path = lexical_clean(path);
    let rel = if path.is_absolute() {
        path.strip_prefix(lexical_clean(cwd)).ok()?.to_path_buf()
    } else if path.starts_with("..") {
        return None;
    } else {
        path
    };
    Some(slashed(&rel))
}

pub use crate::discover::absolute_path;
use crate::discover::lexical_clean;

/// A path's text with `/` separators. Only on Windows is `\\` a separator; elsewhere it is
/// a character of the file name and is kept.
fn slashed(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// `text` for a line-oriented format: control characters (a newline in a file name could
/// forge a whole diagnostic line) written as escapes (`\\n`, `\\u{1b}`), and a backslash
/// before one doubled only where it would make an escape ambiguous: a path is data.
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Hash of the primary line's text and of the lines that open its enclosing blocks (the
/// function, the type: see [`enclosing_lines`]), whitespace collapsed, and of the message
/// (digits masked, so a message that names another line does not change when code moves).
/// Two identical lines in different functions so get different fingerprints, and cannot
/// swap identities when one of them moves. FNV-1a: stable forever.
fn line_hash(file: &SourceFile, line: u32, message: &str) -> u64 {
    let mut hash = Fnv::new();
    for text in std::iter::once(line_text(file, line)).chain(enclosing_lines(file, line)) {
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                hash.write(b" ");
            }
            hash.write(word.as_bytes());
        }
        hash.write(&[0]);
    }
    for byte in message.bytes() {
        hash.write(&[if byte.is_ascii_digit() { b'0' } else { byte }]);
    }
    hash.0
}

fn line_text(file: &SourceFile, line: u32) -> &str {
    let start = file.lines.line_start(line).unwrap_or(0) as usize;
    let end = file
        .lines
        .line_start(line + 1)
        .map_or(file.text.len(), |e| e as usize);
    file.text.get(start..end).unwrap_or("")
}

/// The lines that open the blocks around `line`, innermost first: each earlier line indented
/// less than the last one found (`func fetch() {`, then `final class Client {`), up to the
/// file's top level. Layout, not syntax, so it is the same for every language; lines of
/// braces alone (`{` on its own line) and comments are passed over.
fn enclosing_lines(file: &SourceFile, line: u32) -> Vec<&str> {
    let indent = |text: &str| text.len() - text.trim_start().len();
    let mut depth = indent(line_text(file, line));
    let mut found = Vec::new();
    for earlier in (1..line).rev() {
        if depth == 0 {
            break;
        }
        let text = line_text(file, earlier);
        let trimmed = text.trim();
        let decorative = trimmed.chars().all(|c| "{}()[];,".contains(c));
        let comment = ["//", "/*", "*", "#"]
            .iter()
            .any(|p| trimmed.starts_with(p));
        if decorative || comment || indent(text) >= depth {
            continue;
        }
        depth = indent(text);
        found.push(text);
    }
    found
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("A.swift".into(), Language::Swift, text, Vec::new())
    }

    #[test]
    fn enclosing_lines_are_the_blocks_around_a_line() {
        let f = file(
            "final class Client {\n    // one\n    func a() {\n        let s = make()\n    }\n\n    func b()\n    {\n        let s = make()\n    }\n}\n",
        );
        assert_eq!(
            enclosing_lines(&f, 4),
            vec!["    func a() {\n", "final class Client {\n"]
        );
        // `{` alone on its line is passed over: the function's own line is found.
        assert_eq!(
            enclosing_lines(&f, 9),
            vec!["    func b()\n", "final class Client {\n"]
        );
        assert_eq!(enclosing_lines(&f, 1), Vec::<&str>::new());
        // The same line in two functions: two hashes.
        assert_ne!(line_hash(&f, 4, "m"), line_hash(&f, 9, "m"));
    }

    #[test]
    fn relative_paths_use_slashes_and_drop_dot_components() {
        let cwd = Path::new("/work/app");
        assert_eq!(
            relative_path(Path::new("/work/app/./Sources/A.swift"), cwd).as_deref(),
            Some("Sources/A.swift")
        );
        assert_eq!(
            relative_path(Path::new("./Sources/A.swift"), cwd).as_deref(),
            Some("Sources/A.swift")
        );
        assert_eq!(relative_path(Path::new("/elsewhere/B.m"), cwd), None);
        assert_eq!(relative_path(Path::new("../B.m"), cwd), None);
        assert_eq!(
            absolute_path(Path::new("./Sources/../A.swift"), cwd),
            PathBuf::from("/work/app/A.swift")
        );
    }
}
