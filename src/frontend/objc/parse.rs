//! One tree-sitter parser per thread.

use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses Objective-C source bytes; `None` only if the grammar cannot be loaded.
pub fn parse(source: &[u8]) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_objc::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        crate::frontend::budget::parse(slot.as_mut()?, source)
    })
}
