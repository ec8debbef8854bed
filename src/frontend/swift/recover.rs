//! Recovery from two things tree-sitter-swift misreads.
//!
//! - An unterminated single-line string literal runs over line ends and swallows the code
//!   below it: its opening quote is blanked out and the file parsed again.
//! - A block comment in front of a statement (`/* why */ call()`) breaks the statement
//!   that follows it: comments carry no facts, so when the file has errors its block
//!   comments are blanked and the file parsed again, keeping the result if it reads better.
//!
//! Blanking writes ASCII spaces over the same bytes (line ends kept), so every span stays
//! valid for the original text.

use super::parse::parse;
use super::syntax::{span, visit, KindName};
use crate::facts::{Comment, ParseProblem, Span};
use std::borrow::Cow;
use tree_sitter::Tree;

/// Re-parses at most this many times (each round fixes every literal it finds).
const MAX_ROUNDS: usize = 3;

pub(super) const UNTERMINATED_MESSAGE: &str = "unterminated string literal";

/// What a recovering parse gives: the tree, the text it was parsed from (the input, or a
/// copy with quotes or comments blanked), a problem for each blanked literal, and the
/// block comments that were blanked (with their original text, for suppressions).
pub(super) struct Recovered<'a> {
    pub tree: Tree,
    pub text: Cow<'a, str>,
    pub problems: Vec<ParseProblem>,
    pub blanked_comments: Vec<Comment>,
}

pub(super) fn parse_recovering(text: &str) -> Option<Recovered<'_>> {
    let (tree, current, problems) = parse_fixing_strings(text)?;
    if !tree.root_node().has_error() {
        return Some(Recovered {
            tree,
            text: current,
            problems,
            blanked_comments: Vec::new(),
        });
    }
    let comments = block_comments(&tree);
    if comments.is_empty() {
        return Some(Recovered {
            tree,
            text: current,
            problems,
            blanked_comments: Vec::new(),
        });
    }
    let mut bytes = current.as_bytes().to_vec();
    let mut blanked = Vec::with_capacity(comments.len());
    for c in &comments {
        blanked.push(Comment {
            span: *c,
            text: current.get(c.range()).unwrap_or("").to_string(),
        });
        for b in bytes.get_mut(c.range()).into_iter().flatten() {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    let clean = String::from_utf8(bytes).ok()?;
    let retry = parse(&clean)?;
    if error_count(&retry) < error_count(&tree) {
        Some(Recovered {
            tree: retry,
            text: Cow::Owned(clean),
            problems,
            blanked_comments: blanked,
        })
    } else {
        Some(Recovered {
            tree,
            text: current,
            problems,
            blanked_comments: Vec::new(),
        })
    }
}

/// The byte spans of `/* ... */` comments (iterative walk).
fn block_comments(tree: &Tree) -> Vec<Span> {
    let mut found = Vec::new();
    visit(tree.root_node(), &mut |node| {
        if node.kind_name() == "multiline_comment" {
            found.push(span(node));
            return false;
        }
        true
    });
    found
}

/// How many ERROR or MISSING nodes a tree has.
fn error_count(tree: &Tree) -> usize {
    let mut n = 0;
    visit(tree.root_node(), &mut |node| {
        if node.is_error() || node.is_missing() {
            n += 1;
        }
        node.has_error()
    });
    n
}

/// Parses, blanking the opening quote of runaway string literals (a few rounds at most).
fn parse_fixing_strings(text: &str) -> Option<(Tree, Cow<'_, str>, Vec<ParseProblem>)> {
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
    visit(tree.root_node(), &mut |node| {
        if node.kind_name() == "line_string_literal" {
            let covered = text.get(node.byte_range()).unwrap_or("");
            if covered.starts_with('"') && covered.contains('\n') {
                found.push(span(node));
            }
            return false;
        }
        true
    });
    found
}
