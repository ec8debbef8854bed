//! Comments, and the regions the parser could not read, without walking the whole tree.
//!
//! Comments are found from the text (every `//` or `/*`) and confirmed against the tree
//! (a slash pair inside a string is not a comment node); errors are found by descending
//! only into subtrees that contain one. Both avoid visiting every node of large files.

use super::syntax::{is_comment, span, text};
use crate::facts::{Comment, ParseProblem, Span};
use tree_sitter::{Node, Tree};

pub(super) const PARSE_MESSAGE: &str = "could not parse this code";

/// Comments (in source order) and coalesced parse problems.
pub(super) fn scan(src: &str, tree: &Tree) -> (Vec<Comment>, Vec<ParseProblem>) {
    let root = tree.root_node();
    (comments(src, root), coalesce(src, problems(root)))
}

fn comments(src: &str, root: Node) -> Vec<Comment> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(offset) = find_comment_start(&bytes[from..]) {
        let at = from + offset;
        from = at + 2;
        let Some(node) = root.descendant_for_byte_range(at, at + 2) else {
            continue;
        };
        if is_comment(node) && node.start_byte() == at {
            out.push(Comment {
                span: span(node),
                text: text(src, node).to_string(),
            });
            // Slashes inside this comment are part of it.
            from = from.max(node.end_byte());
        }
    }
    out
}

/// The offset of the next `//` or `/*`.
fn find_comment_start(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < bytes.len() {
        let slash = bytes[i..bytes.len() - 1].iter().position(|&b| b == b'/')?;
        i += slash;
        if matches!(bytes[i + 1], b'/' | b'*') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// ERROR and MISSING nodes, visiting only subtrees that contain one (iteratively).
fn problems(root: Node) -> Vec<Span> {
    let mut bad = Vec::new();
    if !root.has_error() {
        return bad;
    }
    super::syntax::visit(root, &mut |node| {
        if node.is_error() || node.is_missing() {
            bad.push(span(node));
            // Errors inside an error region are the same problem.
            return false;
        }
        node.has_error()
    });
    bad
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

#[cfg(test)]
mod tests {
    use super::find_comment_start;

    #[test]
    fn finds_both_comment_openers() {
        assert_eq!(find_comment_start(b"a / b // c"), Some(6));
        assert_eq!(find_comment_start(b"x /* y */"), Some(2));
        assert_eq!(find_comment_start(b"a / b"), None);
        assert_eq!(find_comment_start(b"/"), None);
    }
}
