//! The state shared by the lowering passes: where spans point, what names resolve to,
//! what has been produced so far, and how deep the recursion is.

use super::imports::Imports;
use super::spans::SpanMap;
use crate::facts::{Expr, ExprKind, Function, Span, TypeDecl};
use syn::spanned::Spanned;

/// Deeper syntax than this becomes opaque: the pre-scan already refuses files that nest
/// much deeper, this bounds the lowering's own recursion whatever syn built.
pub const MAX_LOWERING_DEPTH: usize = 400;

pub struct Lowerer<'a> {
    pub spans: &'a SpanMap<'a>,
    pub imports: &'a Imports,
    pub functions: Vec<Function>,
    pub types: Vec<TypeDecl>,
    /// The type whose `impl` (or trait) is being lowered: what `Self` names.
    pub owner: Option<String>,
    depth: usize,
    /// Numbers the temporaries that hold a `match`/`if let` scrutinee.
    temps: usize,
}

impl<'a> Lowerer<'a> {
    pub fn new(spans: &'a SpanMap<'a>, imports: &'a Imports) -> Lowerer<'a> {
        Lowerer {
            spans,
            imports,
            functions: Vec::new(),
            types: Vec::new(),
            owner: None,
            depth: 0,
            temps: 0,
        }
    }

    pub fn span_of(&self, node: &impl Spanned) -> Span {
        self.spans.span(node.span())
    }

    /// [`Self::span_of`] for an expression, without printing it back to tokens.
    pub fn span_of_expr(&self, e: &syn::Expr) -> Span {
        match super::edges::edges(e) {
            Some((first, last)) => self.spans.join(first, last),
            None => self.span_of(e),
        }
    }

    /// Runs `f` one level deeper, or returns `None` when the depth bound is reached.
    pub fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.depth >= MAX_LOWERING_DEPTH {
            return None;
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        Some(result)
    }

    /// A type name as written, with `Self` and imported renames resolved.
    pub fn type_name(&self, ident: &proc_macro2::Ident) -> String {
        let name = ident.to_string();
        if name == "Self" {
            if let Some(owner) = &self.owner {
                return owner.clone();
            }
        }
        self.imports.resolve(&name).to_string()
    }

    /// A fresh name no Rust identifier can collide with.
    pub fn temp_name(&mut self, what: &str) -> String {
        self.temps += 1;
        format!("<{what} {}>", self.temps)
    }
}

pub fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

pub fn opaque(children: Vec<Expr>, span: Span) -> Expr {
    expr(ExprKind::Opaque(children), span)
}
