//! The lowering context: the parsed text, where it sits in the file, and per-function state.

use super::syntax::{Field, Syntax};
use crate::facts::{ParseProblem, Span};
use std::collections::HashSet;
use tree_sitter::Node;

/// Nesting beyond this many statement/expression levels is lowered as opaque.
pub const MAX_DEPTH: usize = 1000;

/// Where a `break` goes: out of a loop, or to the label that ends a `switch`.
#[derive(Clone)]
pub enum BreakTarget {
    Loop,
    Switch(String),
}

pub struct Lowerer<'a> {
    /// The bytes the tree was parsed from (the neutralised file, or a recovery snippet).
    src: &'a [u8],
    /// `src` as text when it is valid UTF-8 (checked once, not per node).
    valid: Option<&'a str>,
    /// Added to a node's offsets to get the offset in the file.
    shift: i64,
    pub problems: Vec<ParseProblem>,
    depth: usize,
    too_deep_reported: bool,
    pub function: FunctionState,
}

/// What one function body's lowering needs to know about names in scope.
#[derive(Default)]
pub struct FunctionState {
    pub owner: Option<String>,
    pub is_class_method: bool,
    pub locals: HashSet<String>,
    /// `__weak` locals, reported as a block's weak captures when it uses them.
    pub weak_locals: HashSet<String>,
    /// Names used inside each open block, innermost last.
    pub captures: Vec<Vec<String>>,
    pub break_targets: Vec<BreakTarget>,
    pub labels_made: usize,
}

impl<'a> Lowerer<'a> {
    pub fn new(src: &'a [u8], shift: i64) -> Lowerer<'a> {
        Lowerer {
            src,
            valid: std::str::from_utf8(src).ok(),
            shift,
            problems: Vec::new(),
            depth: 0,
            too_deep_reported: false,
            function: FunctionState::default(),
        }
    }

    pub fn src(&self) -> &'a [u8] {
        self.src
    }

    pub fn text(&self, node: Node) -> &'a str {
        if let Some(text) = self.valid {
            return text.get(node.byte_range()).unwrap_or("");
        }
        let src: &'a [u8] = self.src;
        src.get(node.byte_range())
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The node's span in the file.
    pub fn span(&self, node: Node) -> Span {
        self.span_of(node.start_byte(), node.end_byte())
    }

    pub fn span_of(&self, start: usize, end: usize) -> Span {
        let at = |o: usize| (o as i64 + self.shift).max(0) as usize;
        Span::new(at(start), at(end))
    }

    /// Enters one nesting level; `false` (and a problem, once) when too deep.
    pub fn enter(&mut self, node: Node) -> bool {
        if self.depth >= MAX_DEPTH {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                self.problems.push(ParseProblem {
                    span: self.span(node),
                    message: format!(
                        "nesting too deep (over {MAX_DEPTH} levels); the code inside was not analysed"
                    ),
                });
            }
            return false;
        }
        self.depth += 1;
        true
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub fn is_local(&self, name: &str) -> bool {
        self.function.locals.contains(name)
    }

    pub fn declare_local(&mut self, name: &str, weak: bool) {
        self.function.locals.insert(name.to_owned());
        if weak {
            self.function.weak_locals.insert(name.to_owned());
        }
    }

    /// Records that the innermost open block uses `name`.
    pub fn note_use(&mut self, name: &str) {
        if let Some(top) = self.function.captures.last_mut() {
            if !top.iter().any(|n| n == name) {
                top.push(name.to_owned());
            }
        }
    }

    pub fn fresh_label(&mut self, what: &str) -> String {
        self.function.labels_made += 1;
        format!("{what}.end.{}", self.function.labels_made)
    }
}

/// Named children that carry code (comments are extras that may appear anywhere).
pub fn code_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    crate::frontend::grammar::named_children_where(node, |c| !is_comment(c))
}

/// All children (named or not) without comments.
pub fn all_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    crate::frontend::grammar::children(node)
        .filter(|c| !is_comment(*c))
        .collect()
}

fn is_comment(node: Node) -> bool {
    node.kind_name() == "comment"
}

/// `_session` → `session` (one leading underscore), for ivars.
pub fn ivar_member_name(name: &str) -> &str {
    match name.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphabetic()) => rest,
        _ => name,
    }
}

/// Looks through `declarator` fields (pointers, blocks, arrays, functions) for the declared name.
pub fn declared_name(node: Node) -> Option<Node> {
    let mut current = node;
    for _ in 0..64 {
        match current.kind_name() {
            "identifier" | "field_identifier" | "type_identifier" => return Some(current),
            _ => {}
        }
        let next = current.field(Field::Declarator).or_else(|| {
            code_children(current)
                .into_iter()
                .find(|c| c.kind_name() == "identifier" || c.kind_name().ends_with("declarator"))
        })?;
        current = next;
    }
    None
}

/// Does the declaration carry a non-owning qualifier (`__weak`, `__unsafe_unretained`)?
pub fn has_weak_qualifier(text: &str) -> bool {
    text.contains("__weak") || text.contains("__unsafe_unretained")
}
