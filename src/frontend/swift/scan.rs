//! One iterative pass over the whole tree: comments, and the regions the parser could not read.

use super::syntax::{is_comment, span, text};
use crate::facts::{Comment, ParseProblem, Span};
use tree_sitter::Tree;

pub(super) const PARSE_MESSAGE: &str = "could not parse this code";

/// Comments (in source order) and coalesced parse problems.
pub(super) fn scan(src: &str, tree: &Tree) -> (Vec<Comment>, Vec<ParseProblem>) {
    let mut comments = Vec::new();
    let mut bad: Vec<Span> = Vec::new();
    let mut cursor = tree.walk();
    // Depth-first with the cursor: no recursion, whatever the nesting.
    loop {
        let node = cursor.node();
        let mut descend = node.child_count() > 0;
        if is_comment(node) {
            comments.push(Comment {
                span: span(node),
                text: text(src, node).to_string(),
            });
            descend = false;
        } else if node.is_error() || node.is_missing() {
            bad.push(span(node));
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return (comments, coalesce(src, bad));
            }
        }
    }
}

/// Merges problems that overlap or are separated only by whitespace.
fn coalesce(src: &str, mut spans: Vec<Span>) -> Vec<ParseProblem> {
    spans.sort();
    let mut merged: Vec<Span> = Vec::new();
    for s in spans {
        if let Some(last) = merged.last_mut() {
            let gap_is_blank = s.start <= last.end
                || src
                    .get(last.end as usize..s.start as usize)
                    .is_some_and(|g| g.trim().is_empty());
            if gap_is_blank {
                last.end = last.end.max(s.end);
                continue;
            }
        }
        merged.push(s);
    }
    merged
        .into_iter()
        .map(|span| ParseProblem {
            span,
            message: PARSE_MESSAGE.to_string(),
        })
        .collect()
}
