//! Rust front-end (syn): objc2-foundation calls and `msg_send!`.
//!
//! `lower` pre-scans the text once (comments, nesting depth), refuses input that nests
//! deeper than the parser can take, parses with `syn` (on a thread with a large stack when
//! the file nests deeply) and lowers items, statements and expressions to facts.

mod calls;
mod context;
mod edges;
mod exprs;
mod imports;
mod items;
mod macros;
mod patterns;
mod scan;
mod spans;
mod stmts;

#[cfg(test)]
mod tests;

use crate::facts::{FileFacts, Function, ParseProblem, Span, TypeDecl};
use std::borrow::Cow;

/// Bracket nesting deeper than this is refused (no parse): syn's parser recurses per level.
pub const MAX_BRACKET_DEPTH: usize = 500;
/// Deeper nesting of brackets and operators together is refused for the same reason.
pub const MAX_NESTING: usize = 3000;
/// Files nesting deeper than this are parsed on a thread of their own with a large stack
/// (measured: a debug build on a 2 MiB thread handles twice as much).
const SHALLOW_NESTING: usize = 128;
const DEEP_STACK_BYTES: usize = 256 * 1024 * 1024;
/// Bytes of code (not counting whitespace) past which a file is not parsed. syn's tree and
/// proc-macro2's tokens for the whole file, and the facts, cost about 300 bytes per byte of
/// dense code (1.75 MB of code peaked at 520 MB), so this keeps a file near 300 MB; the
/// largest Rust file in the 26 mirrored repositories is 226 KB.
pub const MAX_CODE_BYTES: usize = 1024 * 1024;

pub fn lower(text: &str) -> FileFacts {
    let mut scan = scan::scan(text);
    // Blanked stretches (a huge function's body) are whitespace and comments are not
    // tokens: neither is counted.
    let non_blank = |t: &str| t.bytes().filter(|b| !b.is_ascii_whitespace()).count();
    let commented: usize = scan
        .comments
        .iter()
        .map(|c| text.get(c.span.range()).map_or(0, non_blank))
        .sum();
    let code = non_blank(text).saturating_sub(commented);
    if code > MAX_CODE_BYTES {
        return FileFacts {
            problems: vec![ParseProblem {
                span: Span::new(0, 0),
                message: format!(
                    "{code} bytes of code, over the {} MiB the Rust parser may take (its syntax tree needs about 300 bytes per byte); file skipped",
                    MAX_CODE_BYTES / (1024 * 1024)
                ),
            }],
            ..FileFacts::default()
        };
    }
    let mut facts = FileFacts {
        comments: std::mem::take(&mut scan.comments),
        ..FileFacts::default()
    };
    let lowered = if too_deep(&scan).is_some() {
        // Only the top-level items that nest too deep are skipped; the others are linted.
        on_large_stack(|| lower_shallow_items(text, &scan.item_ends))
    } else if scan.max_nesting <= SHALLOW_NESTING {
        parse_and_lower(text, &scan.item_ends)
    } else {
        on_large_stack(|| parse_and_lower(text, &scan.item_ends))
    };
    facts.functions = lowered.functions;
    facts.types = lowered.types;
    facts.problems = lowered.problems;
    facts
}

fn too_deep(scan: &scan::Scan) -> Option<ParseProblem> {
    if scan.max_depth > MAX_BRACKET_DEPTH {
        return Some(ParseProblem {
            span: Span::new(scan.deepest_at, scan.deepest_at + 1),
            message: format!(
                "nesting too deep: brackets nest more than {MAX_BRACKET_DEPTH} levels here; this item was not analysed"
            ),
        });
    }
    if scan.max_nesting > MAX_NESTING {
        return Some(ParseProblem {
            span: Span::new(scan.most_nested_at, scan.most_nested_at + 1),
            message: format!(
                "nesting too deep: brackets and operators nest more than {MAX_NESTING} levels here; this item was not analysed"
            ),
        });
    }
    None
}

#[derive(Default)]
struct Lowered {
    functions: Vec<Function>,
    types: Vec<TypeDecl>,
    problems: Vec<ParseProblem>,
}

fn on_large_stack(work: impl FnOnce() -> Lowered + Send) -> Lowered {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("sessionlint-rust-parser".into())
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, work);
        match worker.map(|handle| handle.join()) {
            Ok(Ok(lowered)) => lowered,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(e) => Lowered {
                problems: vec![ParseProblem {
                    span: Span::new(0, 0),
                    message: format!(
                        "could not start a parser thread for this deeply nested file: {e}"
                    ),
                }],
                ..Lowered::default()
            },
        }
    })
}

/// Parses the whole file; when that fails, parses its top-level items one by one so the
/// items that do parse are still linted.
fn parse_and_lower(text: &str, item_ends: &[usize]) -> Lowered {
    let lowered = match syn::parse_str::<syn::File>(&prepare(text)) {
        Ok(file) => lower_files(text, &[(0, file)]),
        Err(error) => {
            let whole = problem(text, 0, &error);
            let mut lowered = lower_chunks(text, item_chunks(text, item_ends), Vec::new());
            if lowered.problems.is_empty() {
                lowered.problems.push(whole);
            }
            lowered
        }
    };
    // Spans are done with: free this thread's proc-macro2 source map.
    proc_macro2::extra::invalidate_current_thread_spans();
    lowered
}

/// Parses each top-level item alone, skipping (with a problem) those nested too deep.
fn lower_shallow_items(text: &str, item_ends: &[usize]) -> Lowered {
    let mut problems = Vec::new();
    let mut shallow = Vec::new();
    for (start, end) in item_chunks(text, item_ends) {
        match too_deep(&scan::scan(&text[start..end])) {
            Some(mut p) => {
                p.span = Span::new(start + p.span.start as usize, start + p.span.end as usize);
                problems.push(p);
            }
            None => shallow.push((start, end)),
        }
    }
    let lowered = lower_chunks(text, shallow, problems);
    proc_macro2::extra::invalidate_current_thread_spans();
    lowered
}

/// Parses and lowers each chunk on its own; a chunk syn rejects becomes a problem.
fn lower_chunks(
    text: &str,
    chunks: Vec<(usize, usize)>,
    mut problems: Vec<ParseProblem>,
) -> Lowered {
    let mut parsed = Vec::new();
    for (start, end) in chunks {
        let chunk = &text[start..end];
        match syn::parse_str::<syn::File>(&prepare(chunk)) {
            Ok(file) => parsed.push((start, file)),
            Err(error) => {
                problems.push(problem(chunk, start, &error));
                // Junk (a stray `{`, an unterminated string) hides where items end: the
                // items after it that start a line at column 0 are tried on their own.
                let items = column_zero_items(chunk);
                for &(from, to) in items.iter().filter(|_| items.len() > 1) {
                    if let Ok(file) = syn::parse_str::<syn::File>(&prepare(&chunk[from..to])) {
                        parsed.push((start + from, file));
                    }
                }
            }
        }
    }
    parsed.sort_by_key(|(start, _)| *start);
    let mut lowered = lower_files(text, &parsed);
    lowered.problems = problems;
    lowered
}

fn lower_files(text: &str, files: &[(usize, syn::File)]) -> Lowered {
    let mut all = imports::Imports::default();
    for (_, file) in files {
        all.extend(imports::Imports::collect(file));
    }
    let mut lowered = Lowered::default();
    for (start, file) in files {
        let end = files
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| s > start)
            .min()
            .unwrap_or(text.len());
        let spans = spans::SpanMap::new(&text[*start..end], *start);
        let mut lowerer = context::Lowerer::new(&spans, &all);
        lowerer.lower_items(&file.items);
        lowered.functions.append(&mut lowerer.functions);
        lowered.types.append(&mut lowerer.types);
    }
    lowered
}

fn problem(text: &str, base: usize, error: &syn::Error) -> ParseProblem {
    let spans = spans::SpanMap::new(text, base);
    ParseProblem {
        span: spans.span(error.span()),
        message: format!("cannot parse Rust: {error}"),
    }
}

/// The text syn should see: a byte-order mark and a `#!` line are blanked character for
/// character (syn would reject or strip them, shifting columns).
fn prepare(text: &str) -> Cow<'_, str> {
    let bom = text.starts_with('\u{feff}');
    let body = text.trim_start_matches('\u{feff}');
    let shebang = body.starts_with("#!") && !body[2..].trim_start().starts_with('[');
    // A NUL is not a Rust token: the lexer would reject the whole file over it.
    let nul = text.contains('\0');
    if !bom && !shebang && !nul {
        return Cow::Borrowed(text);
    }
    let mut prepared = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    if bom {
        chars.next();
        prepared.push(' ');
    }
    if shebang {
        while let Some(&c) = chars.peek() {
            if c == '\n' {
                break;
            }
            prepared.push(' ');
            chars.next();
        }
    }
    prepared.extend(chars.map(|c| if c == '\0' { ' ' } else { c }));
    Cow::Owned(prepared)
}

/// Top-level item ranges: split after each top-level `;`, and after a top-level `}` that is
/// followed by something that can start an item.
fn item_chunks(text: &str, item_ends: &[usize]) -> Vec<(usize, usize)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for &end in item_ends {
        if end <= start || end > text.len() {
            continue;
        }
        if text.as_bytes()[end - 1] == b'}' && !starts_item(&text[end..]) {
            continue;
        }
        chunks.push((start, end));
        start = end;
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        chunks.push((start, text.len()));
    }
    chunks
}

/// `text` cut before each line that starts, at column 0, with a word that begins an item
/// (as rustfmt lays out top-level items).
fn column_zero_items(text: &str) -> Vec<(usize, usize)> {
    const ITEM_WORDS: [&str; 14] = [
        "fn", "pub", "impl", "struct", "enum", "mod", "trait", "use", "const", "static", "type",
        "unsafe", "async", "extern",
    ];
    let mut starts = vec![0];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let word: String = line
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if at > 0 && (ITEM_WORDS.contains(&word.as_str()) || line.starts_with("#[")) {
            starts.push(at);
        }
        at += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().copied().zip(ends).collect()
}

fn starts_item(rest: &str) -> bool {
    let rest = rest.trim_start();
    let Some(first) = rest.chars().next() else {
        return true;
    };
    if first == '#' || first == '/' {
        return true;
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    !word.is_empty() && word != "as" && word != "else"
}
