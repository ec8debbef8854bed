//! The tree-sitter parser, one per thread (creating one costs more than a small file's parse).

use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = RefCell::new(new_parser());
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_swift::LANGUAGE.into())
        .ok()?;
    Some(parser)
}

/// Parses `text`; `None` only if tree-sitter itself fails (it recovers from syntax errors).
pub(super) fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        let parser = slot.as_mut()?;
        crate::frontend::budget::parse(parser, text.as_bytes())
    })
}
