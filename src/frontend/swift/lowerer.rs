//! The lowering state shared by declarations, statements and expressions.

use super::syntax::span;
use crate::facts::{Expr, ExprKind, Function, FunctionKind, ParseProblem, TypeDecl};
use tree_sitter::Node;

/// How many nested lowering levels we follow before treating the rest as opaque.
/// Each level costs a few stack frames; real code stays far below this.
pub(super) const MAX_DEPTH: u32 = 1_000;

pub(super) const TOO_DEEP_MESSAGE: &str = "nesting too deep: this code was not analysed";

/// Where a body sits: the type that owns it and whether `self` is the type or an instance.
#[derive(Clone, Debug, Default)]
pub(super) struct Context {
    pub owner: Option<String>,
    /// Inside a `static`/`class` member (or a nested function of one).
    pub is_static: bool,
}

pub(super) struct Lowerer<'s> {
    pub src: &'s str,
    pub functions: Vec<Function>,
    pub types: Vec<crate::facts::TypeDecl>,
    pub problems: Vec<ParseProblem>,
    pub context: Context,
    depth: u32,
    reported_too_deep: bool,
    /// A `try`/`await` node that a postfix chain already accounted for (see `exprs`).
    pub hoisted_prefix: Option<usize>,
    /// A chain link whose chain's leading `try`/`await` a link above has dealt with.
    pub settled_link: Option<usize>,
}

impl<'s> Lowerer<'s> {
    pub fn new(src: &'s str) -> Self {
        Lowerer {
            src,
            functions: Vec::new(),
            types: Vec::new(),
            problems: Vec::new(),
            context: Context::default(),
            depth: 0,
            reported_too_deep: false,
            hoisted_prefix: None,
            settled_link: None,
        }
    }

    /// Runs `f` one level deeper, or returns `None` (after recording the problem once)
    /// when the nesting limit is reached.
    pub fn deeper<T>(&mut self, node: Node, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.depth >= MAX_DEPTH {
            if !self.reported_too_deep {
                self.reported_too_deep = true;
                self.problems.push(ParseProblem {
                    span: span(node),
                    message: TOO_DEEP_MESSAGE.to_string(),
                });
            }
            return None;
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        Some(out)
    }

    pub fn opaque_leaf(node: Node) -> Expr {
        Expr {
            kind: ExprKind::Opaque(Vec::new()),
            span: span(node),
        }
    }

    pub fn text(&self, node: Node) -> &'s str {
        super::syntax::text(self.src, node)
    }

    /// Runs `f` with a different context, restoring the old one afterwards.
    pub fn with_context<T>(&mut self, context: Context, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.context, context);
        let out = f(self);
        self.context = saved;
        out
    }

    /// The kind a nested `func` gets in the current context.
    pub fn nested_function_kind(&self) -> FunctionKind {
        match (&self.context.owner, self.context.is_static) {
            (None, _) => FunctionKind::Free,
            (Some(_), true) => FunctionKind::StaticMethod,
            (Some(_), false) => FunctionKind::Method,
        }
    }

    pub fn push_type(&mut self, decl: TypeDecl) {
        self.types.push(decl);
    }
}
