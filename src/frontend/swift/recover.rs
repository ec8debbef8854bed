//! Recovery from unterminated string literals.
//!
//! tree-sitter-swift lets a single-line string literal run over line ends when its closing
//! quote is missing, swallowing the code below it. When a file has parse errors, such
//! literals are found, their opening quote is blanked out (same length, so every span
//! stays valid) and the file is parsed again: the rest of the file is read normally.

use super::parse::parse;
use super::syntax::{span, KindName};
use crate::facts::{ParseProblem, Span};
use std::borrow::Cow;
use tree_sitter::Tree;

/// Re-parses at most this many times (each round fixes every literal it finds).
const MAX_ROUNDS: usize = 3;

pub(super) const UNTERMINATED_MESSAGE: &str = "unterminated string literal";

/// The tree, the text it was parsed from (the input, or a copy with quotes blanked),
/// and a problem for each blanked literal.
pub(super) fn parse_recovering(text: &str) -> Option<(Tree, Cow<'_, str>, Vec<ParseProblem>)> {
    let mut current: Cow<str> = Cow::Borrowed(text);
    let mut tree = parse(&current)?;
    let mut problems = Vec::new();
    for _ in 0..MAX_ROUNDS {
        if !tree.root_node().has_error() {
            break;
        }
        let runaway = runaway_strings(&current, &tree);
        if runaway.is_empty() {
            break;
        }
        let mut bytes = current.into_owned().into_bytes();
        for at in &runaway {
            if let Some(quote) = bytes.get_mut(at.start as usize) {
                if *quote == b'"' {
                    *quote = b' ';
                }
            }
            problems.push(ParseProblem {
                span: Span::new(at.start as usize, at.start as usize + 1),
                message: UNTERMINATED_MESSAGE.to_string(),
            });
        }
        // Only an ASCII quote was replaced by an ASCII space: still valid UTF-8.
        current = Cow::Owned(String::from_utf8(bytes).ok()?);
        tree = parse(&current)?;
    }
    Some((tree, current, problems))
}

/// Single-line string literals that contain a line end (iterative walk).
fn runaway_strings(text: &str, tree: &Tree) -> Vec<Span> {
    let mut found = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let mut descend = node.child_count() > 0;
        if node.kind_name() == "line_string_literal" {
            let covered = text.get(node.byte_range()).unwrap_or("");
            if covered.starts_with('"') && covered.contains('\n') {
                found.push(span(node));
            }
            descend = false;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
        }
    }
}
