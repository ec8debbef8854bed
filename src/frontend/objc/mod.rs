//! Objective-C front-end (tree-sitter-objc) for `.m`, `.mm` and `.h`.
//!
//! The text is first neutralised (attribute-like macros blanked, `#if 0` groups blanked,
//! byte offsets kept), then parsed, then lowered: types and their stored members, and a
//! statement tree for every method, C function and block. Regions the parser could not
//! read become problems; method bodies inside them are re-parsed alone and lowered.

mod conditionals;
mod cplusplus;
mod decls;
mod defines;
mod exprs;
mod lowerer;
mod macro_args;
mod macros;
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

pub use neutralize::{is_attribute_macro, set_configured_macros};

pub fn lower(text: &str, path: &Path) -> FileFacts {
    let header = path.extension().is_some_and(|e| e == "h");
    let dialect = if path.extension().is_some_and(|e| e == "mm") {
        neutralize::Dialect::ObjCpp
    } else {
        neutralize::Dialect::ObjC
    };
    if header && !has_objective_c(text) {
        // A C or C++ header (`.pb.h`, a C++ library's): nothing in it can hold a session,
        // and the grammar, which reads no C++, would only report it unreadable.
        return FileFacts {
            declarations_only: true,
            ..FileFacts::default()
        };
    }
    let neutral = prepare(text, dialect, header);
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

/// The text the grammar reads: macros and dead groups blanked, one branch of each group
/// it cannot read, (in `.mm` files and headers) no C++, and no statement macros. Every
/// byte stays in place.
fn prepare(text: &str, dialect: neutralize::Dialect, header: bool) -> neutralize::Neutralized {
    let mut neutral = neutralize::neutralize(text, dialect);
    let cplusplus = dialect == neutralize::Dialect::ObjCpp;
    conditionals::resolve(&mut neutral.text, &move |name, rest| {
        neutralize::condition(name, rest, cplusplus)
    });
    if cplusplus || header {
        cplusplus::blank_cplusplus(&mut neutral.text);
    }
    macros::blank_statement_macros(&mut neutral.text);
    neutral
}

/// Whether a header has anything of Objective-C: an `@` keyword or string, or a session
/// class named in C (`[NSURLSession sessionWithConfiguration:c]` in an inline function).
/// (An `@` in a doc comment, `@param`, is no Objective-C.)
fn has_objective_c(text: &str) -> bool {
    const KEYWORDS: &[&[u8]] = &[
        b"interface",
        b"protocol",
        b"class",
        b"implementation",
        b"import",
        b"\"",
    ];
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'@', bytes)
        .any(|at| KEYWORDS.iter().any(|k| bytes[at + 1..].starts_with(k)))
        || memchr::memmem::find(bytes, b"URLSession").is_some()
}
