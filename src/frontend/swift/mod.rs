//! Swift front-end (tree-sitter-swift): parses a file and lowers it to [`FileFacts`].
//!
//! - `gaps`: byte-preserving rewrites of valid Swift the grammar misreads (`.success(())`).
//! - `parse`: one parser per thread; `recover`: re-reads files with unterminated strings.
//! - `scan`: comments and unreadable regions, in one iterative pass.
//! - `directives`: which items of a list survive `#if false`.
//! - `decls`: types, members, and every function-like body.
//! - `stmts` / `exprs`: bodies, down to the facts the rules need.
//! - `session`: recognising `URLSession(...)` and `URLSession.shared`.
//!
//! Lowering recursion is bounded by [`lowerer::MAX_DEPTH`]; deeper code becomes opaque.

mod decls;
mod directives;
mod exprs;
mod gaps;
mod lowerer;
mod parse;
mod recover;
mod scan;
mod session;
mod stmts;
mod syntax;

#[cfg(test)]
mod render;
#[cfg(test)]
mod tests;

use crate::facts::{FileFacts, ParseProblem, Span};

pub fn lower(text: &str) -> FileFacts {
    let bridged = gaps::bridge(text);
    let Some(recover::Recovered {
        tree,
        text,
        mut problems,
        blanked_comments,
    }) = recover::parse_recovering(&bridged)
    else {
        return FileFacts {
            problems: vec![ParseProblem {
                span: Span::new(0, text.len().min(1)),
                message: "the Swift parser gave up on this file".to_string(),
            }],
            ..FileFacts::default()
        };
    };
    let (mut comments, mut unreadable) = scan::scan(&text, &tree);
    problems.append(&mut unreadable);
    comments.extend(blanked_comments);
    comments.sort_by_key(|c| c.span);
    let mut lowerer = lowerer::Lowerer::new(&text);
    lowerer.lower_file(tree.root_node());
    problems.append(&mut lowerer.problems);
    problems.sort_by_key(|p| p.span);
    FileFacts {
        functions: lowerer.functions,
        types: lowerer.types,
        problems,
        comments,
        ..FileFacts::default()
    }
}
