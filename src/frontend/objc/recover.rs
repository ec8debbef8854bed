//! Error regions: where the parser gave up, recorded as problems; method bodies found in
//! them are re-parsed alone (wrapped in their `@implementation`) with offsets shifted back.

use super::decls::Declarations;
use super::lowerer::{code_children, Lowerer};
use super::parse::parse;
use super::syntax::Syntax;
use crate::facts::{FileFacts, ParseProblem, Span};
use tree_sitter::Node;

/// Most problems recorded for one file (the rest would add nothing for the user).
const MAX_PROBLEMS: usize = 100;

/// Re-parses the methods found in `regions` of `text`; returns the recovered byte ranges.
pub fn recover_methods(
    text: &[u8],
    regions: &[(usize, usize)],
    out: &mut Declarations,
) -> Vec<(usize, usize)> {
    let mut recovered = Vec::new();
    for &(start, end) in regions {
        let mut at = start;
        while let Some((m_start, m_end)) = next_method(text, at, end) {
            if recover_one(text, m_start, m_end, out) {
                recovered.push((m_start, m_end));
            }
            at = m_end.max(at + 1);
        }
    }
    recovered
}

fn recover_one(text: &[u8], start: usize, end: usize, out: &mut Declarations) -> bool {
    let owner = owner_before(text, start);
    let prefix = format!(
        "@implementation {}\n",
        owner.as_deref().unwrap_or("Unknown")
    );
    let mut snippet = prefix.clone().into_bytes();
    snippet.extend_from_slice(&text[start..end]);
    snippet.extend_from_slice(b"\n@end\n");
    let Some(tree) = parse(&snippet) else {
        return false;
    };
    let Some(method) = find_method(tree.root_node()) else {
        return false;
    };
    let mut lowerer = Lowerer::new(&snippet, start as i64 - prefix.len() as i64);
    match lowerer.method(method, owner.as_deref()) {
        Some(function) => {
            out.functions.push(function);
            true
        }
        None => false,
    }
}

fn find_method(root: Node) -> Option<Node> {
    let implementation = code_children(root)
        .into_iter()
        .find(|c| c.kind_name() == "class_implementation")?;
    code_children(implementation)
        .into_iter()
        .flat_map(|c| {
            if c.kind_name() == "implementation_definition" {
                code_children(c)
            } else {
                vec![c]
            }
        })
        .find(|c| c.kind_name() == "method_definition")
}

/// The class of the nearest `@implementation` before `offset`.
fn owner_before(text: &[u8], offset: usize) -> Option<String> {
    const KEYWORD: &[u8] = b"@implementation";
    let before = &text[..offset];
    let at = before.windows(KEYWORD.len()).rposition(|w| w == KEYWORD)?;
    let rest = &text[at + KEYWORD.len()..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let len = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(rest.len());
    (len > 0).then(|| String::from_utf8_lossy(&rest[..len]).into_owned())
}

/// The next `- (type)sel... { ... }` starting on its own line within `[from, limit)`.
fn next_method(text: &[u8], from: usize, limit: usize) -> Option<(usize, usize)> {
    let mut line = from;
    while line < limit {
        let first = line
            + text[line..limit]
                .iter()
                .position(|b| *b != b' ' && *b != b'\t')
                .unwrap_or(limit - line);
        let at_line_start = line == 0 || text[line - 1] == b'\n' || line == from;
        if at_line_start && first < limit && matches!(text[first], b'-' | b'+') {
            let after = first + 1;
            let paren = after
                + text[after..limit]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .unwrap_or(limit - after);
            if text.get(paren) == Some(&b'(') {
                if let Some(end) = method_end(text, paren) {
                    return Some((first, end));
                }
            }
        }
        let next_line = text[line..limit].iter().position(|b| *b == b'\n')?;
        line += next_line + 1;
    }
    None
}

/// After the header at `from`: the end of the body `{ ... }`, or `None` for a declaration.
fn method_end(text: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut depth = 0usize;
    while i < text.len() {
        match text[i] {
            b'/' if text.get(i + 1) == Some(&b'/') => {
                i += text[i..].iter().position(|b| *b == b'\n')?;
            }
            b'/' if text.get(i + 1) == Some(&b'*') => {
                i += text[i..].windows(2).position(|w| w == b"*/")? + 1;
            }
            b'"' | b'\'' => {
                let quote = text[i];
                i += 1;
                while i < text.len() && text[i] != quote && text[i] != b'\n' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b';' | b'@' if depth == 0 => return None,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Every ERROR and MISSING node, minus the ranges recovered from them, as problems.
pub fn collect_problems(
    root: Node,
    text: &[u8],
    recovered: &[(usize, usize)],
    facts: &mut FileFacts,
) {
    if !root.has_error() {
        return;
    }
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        let mut descend = node.has_error();
        if node.is_error() {
            descend = false;
            for (start, end) in uncovered(node.start_byte(), node.end_byte(), recovered, text) {
                push_problem(
                    facts,
                    Span::new(start, end),
                    "Objective-C code the parser could not read; nothing is reported from inside it",
                );
            }
        } else if node.is_missing() {
            let message = format!("expected `{}` here", node.kind_name());
            push_problem(
                facts,
                Span::new(node.start_byte(), node.end_byte()),
                &message,
            );
        }
        if facts.problems.len() >= MAX_PROBLEMS {
            break;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
}

fn push_problem(facts: &mut FileFacts, span: Span, message: &str) {
    facts.problems.push(ParseProblem {
        span,
        message: message.to_owned(),
    });
}

/// `[start, end)` minus the recovered ranges, trimmed, without blank pieces.
fn uncovered(
    start: usize,
    end: usize,
    recovered: &[(usize, usize)],
    text: &[u8],
) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut at = start;
    let mut inside: Vec<&(usize, usize)> = recovered
        .iter()
        .filter(|(s, e)| *s < end && *e > start)
        .collect();
    inside.sort();
    for (s, e) in inside {
        if *s > at {
            pieces.push((at, *s));
        }
        at = at.max(*e);
    }
    if at < end {
        pieces.push((at, end));
    }
    pieces
        .into_iter()
        .filter_map(|(s, e)| {
            let piece = text.get(s..e)?;
            let first = piece.iter().position(|b| !b.is_ascii_whitespace())?;
            let last = piece.iter().rposition(|b| !b.is_ascii_whitespace())?;
            Some((s + first, s + last + 1))
        })
        .collect()
}
