//! Objective-C front-end (tree-sitter-objc) for `.m`, `.mm` and `.h`.
//!
//! The text is first neutralised (attribute-like macros blanked, `#if 0` groups blanked,
//! byte offsets kept), then parsed, then lowered: types and their stored members, and a
//! statement tree for every method, C function and block. Regions the parser could not
//! read become problems; method bodies inside them are re-parsed alone and lowered.

mod decls;
mod defines;
mod exprs;
mod lowerer;
mod neutralize;
mod parse;
mod recover;
mod sends;
mod stmts;
mod syntax;

#[cfg(test)]
mod tests;

use crate::facts::{FileFacts, ParseProblem, Span};
use std::path::Path;

pub use neutralize::is_attribute_macro;

pub fn lower(text: &str, path: &Path) -> FileFacts {
    let header = path.extension().is_some_and(|e| e == "h");
    let dialect = if path.extension().is_some_and(|e| e == "mm") {
        neutralize::Dialect::ObjCpp
    } else {
        neutralize::Dialect::ObjC
    };
    let neutral = neutralize::neutralize(text, dialect);
    let mut facts = FileFacts {
        declarations_only: header,
        comments: neutral.comments,
        ..FileFacts::default()
    };
    let Some(tree) = parse::parse(&neutral.text) else {
        facts.problems.push(ParseProblem {
            span: Span::new(0, text.len()),
            message: "the Objective-C parser could not be started".into(),
        });
        return facts;
    };
    let root = tree.root_node();
    let mut lowerer = lowerer::Lowerer::new(&neutral.text, 0);
    let mut declarations = decls::Declarations::default();
    lowerer.declarations(root, header, &mut declarations);
    let recovered = if header {
        Vec::new()
    } else {
        let regions = std::mem::take(&mut declarations.error_regions);
        recover::recover_methods(&neutral.text, &regions, &mut declarations)
    };
    decls::mark_getters(&mut declarations);
    recover::collect_problems(root, &neutral.text, &recovered, &mut facts);
    facts.problems.extend(lowerer.problems);
    facts.functions = declarations.functions;
    facts.types = declarations.types;
    facts.functions.sort_by_key(|f| f.span.start);
    facts
}
