//! Applying fixes: gathering a report's fixes per file, editing text, writing files back
//! (only when they did not change since they were read), unified diffs.

use super::{allowed, resolve, TextEdit};
use crate::report::Report;
use std::collections::BTreeMap;
use std::path::Path;

/// The fixes of one file, ready to apply.
#[derive(Debug)]
pub struct FileFixes {
    /// Index in the outcome's files.
    pub file: usize,
    /// Sorted, non-overlapping.
    pub edits: Vec<TextEdit>,
    /// The findings these edits fix: indices into the report's findings.
    pub fixed: Vec<usize>,
}

/// The fixes of a report's findings that are allowed (safe ones; unsafe ones too with
/// `unsafe_fixes`), per file in file order. A fix that overlaps one already taken waits for
/// the next run.
pub fn collect(report: &Report, unsafe_fixes: bool) -> Vec<FileFixes> {
    let files = &report.outcome.files;
    let mut by_file: BTreeMap<usize, FileFixes> = BTreeMap::new();
    for (index, f) in report.findings.iter().enumerate() {
        let d = &f.finding.diagnostic;
        let Some(fix) = &d.fix else { continue };
        if !allowed(fix.applicability, unsafe_fixes) {
            continue;
        }
        let source = &files[d.file];
        let Some(edits) = resolve(fix, &source.text, source.language) else {
            continue;
        };
        let entry = by_file.entry(d.file).or_insert_with(|| FileFixes {
            file: d.file,
            edits: Vec::new(),
            fixed: Vec::new(),
        });
        let clashes = edits
            .iter()
            .any(|e| entry.edits.iter().any(|t| overlaps(&e.range, &t.range)));
        if !clashes {
            entry.edits.extend(edits);
            entry.edits.sort_by_key(|e| (e.range.start, e.range.end));
            entry.fixed.push(index);
        }
    }
    by_file.into_values().collect()
}

/// Two ranges touch the same bytes, or insert at the same point (the order would be a guess).
fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

/// `text` with `edits` (sorted, non-overlapping) applied.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.content);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A unified diff from `old` to `new`, with `a/`, `b/` headers naming `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Why a file was not written.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteError {
    /// Its content is no longer what was linted.
    Changed,
    Io(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => write!(f, "changed since it was linted: not fixed; run again"),
            WriteError::Io(e) => write!(f, "cannot write the fix: {e}"),
        }
    }
}

/// Writes `fixed` to `path` when the file still holds `linted` (a byte order mark it had is
/// kept): compared just before writing, through a file beside it renamed over it, so an
/// editor's save in between is never overwritten with stale content, and a reader never
/// sees half a file.
pub fn write_if_unchanged(path: &Path, linted: &str, fixed: &str) -> Result<(), WriteError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let io = |e: std::io::Error| WriteError::Io(e.to_string());
    let now = std::fs::read(path).map_err(io)?;
    let (bom, body) = match now.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => (&[][..], &now[..]),
    };
    if hash(body) != hash(linted.as_bytes()) || body != linted.as_bytes() {
        return Err(WriteError::Changed);
    }
    // Beside it (same file system, so the rename is atomic), hidden, named after the process.
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(
        ".{}.sessionlint-fix-{}",
        name.unwrap_or_default(),
        std::process::id()
    ));
    let written = (|| {
        std::fs::write(&tmp, [bom, fixed.as_bytes()].concat())?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(io)?;
    Ok(())
}

/// FNV-1a of the bytes: a cheap first look before the full comparison.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_changed_since_it_was_linted_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.swift");
        std::fs::write(&path, "\u{feff}let a = 1\n").unwrap();
        assert_eq!(
            write_if_unchanged(&path, "let a = 1\n", "let a = 2\n"),
            Ok(())
        );
        // The byte order mark it had is kept.
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "\u{feff}let a = 2\n"
        );
        assert_eq!(
            write_if_unchanged(&path, "let a = 1\n", "let a = 3\n"),
            Err(WriteError::Changed)
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "\u{feff}let a = 2\n"
        );
    }

    #[test]
    fn edits_apply_in_order_and_diffs_name_the_file() {
        let text = "a\nb\nc\n";
        let edits = [
            TextEdit {
                range: 2..4,
                content: String::new(),
            },
            TextEdit {
                range: 6..6,
                content: "d\n".into(),
            },
        ];
        let fixed = apply(text, &edits);
        assert_eq!(fixed, "a\nc\nd\n");
        let diff = unified_diff("x.swift", text, &fixed);
        assert!(diff.starts_with("--- a/x.swift\n+++ b/x.swift\n"), "{diff}");
        assert!(diff.contains("\n-b\n") && diff.contains("\n+d\n"), "{diff}");
    }
}
