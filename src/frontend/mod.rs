//! Front-ends: one per language. Each parses a file and lowers it to [`FileFacts`].
//!
//! Only this folder knows tree-sitter or syn. Lowering never fails: what a front-end
//! does not understand becomes [`crate::facts::ExprKind::Opaque`] and parse trouble
//! is recorded in [`FileFacts::problems`].

pub mod allocator;
pub mod blocks;
pub mod budget;
pub mod grammar;
pub mod nesting;
pub mod objc;
pub mod rust;
pub mod swift;

use crate::facts::{FileFacts, Language};
use std::path::Path;

/// Parses `text` (the file's contents, already decoded) and lowers it to facts.
pub fn lower(language: Language, text: &str, path: &Path) -> FileFacts {
    let text = lone_cr_as_lf(text);
    let text = conflict_markers_blanked(text.as_ref());
    let text = text.as_ref();
    budget::start_file();
    let mut facts = lower_language(language, text, path);
    if budget::overran() {
        // What was lowered before the cancelled parse is partial: none of it is kept.
        facts = FileFacts::default();
        facts.problems.push(crate::facts::ParseProblem {
            span: crate::facts::Span::new(0, 0),
            message: budget::message(),
        });
    }
    facts.unreadable_words = facts
        .problems
        .iter()
        .map(|p| words_on_lines(text, p.span))
        .collect();
    facts
}

/// The identifiers on the lines a span touches, sorted, each once.
fn words_on_lines(text: &str, span: crate::facts::Span) -> Vec<String> {
    let start = (span.start as usize).min(text.len());
    let end = (span.end as usize).clamp(start, text.len());
    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let to = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let Some(region) = text.get(from..to) else {
        return Vec::new();
    };
    let mut words: Vec<String> = region
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .map(str::to_owned)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

fn lower_language(language: Language, text: &str, path: &Path) -> FileFacts {
    // One huge function must not take unbounded memory to parse and analyse.
    let (text, huge) = blocks::blank_huge_blocks(text, blocks::MAX_BLOCK_BYTES);
    let mut facts = if language == Language::Rust {
        // The Rust front-end measures nesting itself (syn must not even start on it).
        rust::lower(&text)
    } else {
        let (text, deep) = nesting::flatten_deep(&text, nesting::MAX_NESTING);
        let mut facts = match language {
            Language::Swift => swift::lower(&swift_safe(text)),
            _ => objc::lower(&text, path),
        };
        if !deep.is_empty() {
            facts.problems.extend(deep);
            facts.problems.sort_by_key(|p| p.span);
        }
        facts
    };
    if !huge.is_empty() {
        facts.problems.extend(huge);
        facts.problems.sort_by_key(|p| p.span);
    }
    facts
}

/// tree-sitter-swift 0.7.4's scanner reads past the end of its buffer when a compiler
/// directive (`#if`, `#endif`) meets a NUL byte or the end of the file: NULs become spaces
/// and a final line end is added. Every byte keeps its offset.
/// Old Mac line ends (a lone `\r`) as `\n`, byte for byte (spans stay exact): the parsers
/// and the comment scanners end a line at `\n` only, so a `//` comment or an `#import` line
/// would otherwise run to the end of the file. (`LineIndex` counts a lone `\r` as a line
/// end already, so reported lines and columns are those of the original text.)
fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes) {
        if lone(i) {
            out[i] = b'\n';
        }
    }
    // Only ASCII bytes were swapped for ASCII bytes: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// Git merge-conflict marker lines (`<<<<<<< HEAD`, `|||||||`, `=======`, `>>>>>>> x`)
/// blanked byte for byte: no language reads them, and each parser loses the code around
/// them differently (syn the whole file). Both sides of the conflict stay.
fn conflict_markers_blanked(text: &str) -> std::borrow::Cow<'_, str> {
    fn is_marker(line: &[u8]) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let run = |c: u8| line.len() >= 7 && line[..7].iter().all(|&b| b == c);
        let tail = line.get(7).copied();
        (run(b'<') || run(b'>') || run(b'|')) && matches!(tail, None | Some(b' ' | b'\t'))
            || line == b"======="
    }
    let bytes = text.as_bytes();
    let markers = ["<<<<<<<", "=======", ">>>>>>>"];
    if !markers
        .iter()
        .all(|m| memchr::memmem::find(bytes, m.as_bytes()).is_some())
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        if is_marker(&bytes[start..end]) {
            out[start..end]
                .iter_mut()
                .filter(|b| **b != b'\r')
                .for_each(|b| *b = b' ');
        }
        start = end + 1;
    }
    // Only ASCII bytes were swapped for spaces: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

fn swift_safe(text: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    if !text.contains('\0') && text.ends_with('\n') {
        return text;
    }
    let mut owned = text.replace('\0', " ");
    owned.push('\n');
    std::borrow::Cow::Owned(owned)
}
