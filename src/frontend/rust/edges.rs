//! The first and last token of an expression, found along its left and right edges.
//!
//! `Spanned::span` prints the whole expression back to tokens to find them, so asking it at
//! every level of a nested expression is quadratic in the nesting. This walks one edge:
//! linear in the depth. Shapes it does not know give `None`, and the caller falls back.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::Expr;

/// (first token, last token) of `e`.
pub fn edges(e: &Expr) -> Option<(Span, Span)> {
    Some((first(e)?, last(e)?))
}

/// The first and last token of a `let` statement (what `Spanned` would print it to find).
pub fn local_edges(l: &syn::Local) -> (Span, Span) {
    let first = l
        .attrs
        .first()
        .map_or(l.let_token.span, |a| a.pound_token.span);
    (first, l.semi_token.span)
}

/// The first and last token of a macro call (its path and its closing delimiter).
pub fn macro_edges(mac: &syn::Macro) -> Option<(Span, Span)> {
    let last = match &mac.delimiter {
        syn::MacroDelimiter::Paren(p) => p.span.close(),
        syn::MacroDelimiter::Brace(b) => b.span.close(),
        syn::MacroDelimiter::Bracket(b) => b.span.close(),
    };
    Some((path_first(&mac.path)?, last))
}

/// The first token of a function signature (`const`, `async`, `unsafe`, `extern` or `fn`).
pub fn signature_start(sig: &syn::Signature) -> Span {
    sig.constness
        .map(|t| t.span)
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|a| a.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

fn first(e: &Expr) -> Option<Span> {
    if let Some(attr) = attrs(e)?.first() {
        return Some(attr.pound_token.span);
    }
    Some(match e {
        Expr::Array(x) => x.bracket_token.span.open(),
        Expr::Assign(x) => first(&x.left)?,
        Expr::Await(x) => first(&x.base)?,
        Expr::Binary(x) => first(&x.left)?,
        Expr::Block(x) => match &x.label {
            Some(label) => label.name.apostrophe,
            None => x.block.brace_token.span.open(),
        },
        Expr::Break(x) => x.break_token.span,
        Expr::Async(x) => x.async_token.span,
        Expr::Call(x) => first(&x.func)?,
        Expr::Cast(x) => first(&x.expr)?,
        Expr::Closure(x) => closure_first(x),
        Expr::Continue(x) => x.continue_token.span,
        Expr::Field(x) => first(&x.base)?,
        Expr::ForLoop(x) => label_or(&x.label, x.for_token.span),
        Expr::If(x) => x.if_token.span,
        Expr::Index(x) => first(&x.expr)?,
        Expr::Let(x) => x.let_token.span,
        Expr::Lit(x) => x.lit.span(),
        Expr::Loop(x) => label_or(&x.label, x.loop_token.span),
        Expr::Macro(x) => path_first(&x.mac.path)?,
        Expr::Match(x) => x.match_token.span,
        Expr::MethodCall(x) => first(&x.receiver)?,
        Expr::Paren(x) => x.paren_token.span.open(),
        Expr::Path(x) if x.qself.is_none() => path_first(&x.path)?,
        Expr::Range(x) => match &x.start {
            Some(start) => first(start)?,
            None => range_limits(&x.limits).0,
        },
        Expr::Reference(x) => x.and_token.span,
        Expr::Repeat(x) => x.bracket_token.span.open(),
        Expr::Return(x) => x.return_token.span,
        Expr::Struct(x) if x.qself.is_none() => path_first(&x.path)?,
        Expr::Try(x) => first(&x.expr)?,
        Expr::Tuple(x) => x.paren_token.span.open(),
        Expr::Unary(x) => match x.op {
            syn::UnOp::Deref(t) => t.span,
            syn::UnOp::Not(t) => t.span,
            syn::UnOp::Neg(t) => t.span,
            _ => return None,
        },
        Expr::Unsafe(x) => x.unsafe_token.span,
        Expr::While(x) => label_or(&x.label, x.while_token.span),
        _ => return None,
    })
}

fn last(e: &Expr) -> Option<Span> {
    Some(match e {
        Expr::Array(x) => x.bracket_token.span.close(),
        Expr::Assign(x) => last(&x.right)?,
        Expr::Async(x) => x.block.brace_token.span.close(),
        Expr::Await(x) => x.await_token.span,
        Expr::Binary(x) => last(&x.right)?,
        Expr::Block(x) => x.block.brace_token.span.close(),
        Expr::Break(x) => match (&x.expr, &x.label) {
            (Some(value), _) => last(value)?,
            (None, Some(label)) => label.ident.span(),
            (None, None) => x.break_token.span,
        },
        Expr::Call(x) => x.paren_token.span.close(),
        Expr::Cast(x) => x.ty.span(),
        Expr::Closure(x) => last(&x.body)?,
        Expr::Continue(x) => match &x.label {
            Some(label) => label.ident.span(),
            None => x.continue_token.span,
        },
        Expr::Field(x) => match &x.member {
            syn::Member::Named(ident) => ident.span(),
            syn::Member::Unnamed(index) => index.span,
        },
        Expr::ForLoop(x) => x.body.brace_token.span.close(),
        Expr::If(x) => match &x.else_branch {
            Some((_, otherwise)) => last(otherwise)?,
            None => x.then_branch.brace_token.span.close(),
        },
        Expr::Index(x) => x.bracket_token.span.close(),
        Expr::Let(x) => last(&x.expr)?,
        Expr::Lit(x) => x.lit.span(),
        Expr::Loop(x) => x.body.brace_token.span.close(),
        Expr::Macro(x) => macro_edges(&x.mac)?.1,
        Expr::Match(x) => x.brace_token.span.close(),
        Expr::MethodCall(x) => x.paren_token.span.close(),
        Expr::Paren(x) => x.paren_token.span.close(),
        Expr::Path(x) if x.qself.is_none() => path_last(&x.path)?,
        Expr::Range(x) => match &x.end {
            Some(end) => last(end)?,
            None => range_limits(&x.limits).1,
        },
        Expr::Reference(x) => last(&x.expr)?,
        Expr::Repeat(x) => x.bracket_token.span.close(),
        Expr::Return(x) => match &x.expr {
            Some(value) => last(value)?,
            None => x.return_token.span,
        },
        Expr::Struct(x) => x.brace_token.span.close(),
        Expr::Try(x) => x.question_token.span,
        Expr::Tuple(x) => x.paren_token.span.close(),
        Expr::Unary(x) => last(&x.expr)?,
        Expr::Unsafe(x) => x.block.brace_token.span.close(),
        Expr::While(x) => x.body.brace_token.span.close(),
        _ => return None,
    })
}

/// The outer attributes of the shapes above (`None` for the others).
fn attrs(e: &Expr) -> Option<&[syn::Attribute]> {
    Some(match e {
        Expr::Array(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::Async(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Binary(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::Break(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::Cast(x) => &x.attrs,
        Expr::Closure(x) => &x.attrs,
        Expr::Continue(x) => &x.attrs,
        Expr::Field(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::If(x) => &x.attrs,
        Expr::Index(x) => &x.attrs,
        Expr::Let(x) => &x.attrs,
        Expr::Lit(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Macro(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Paren(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        Expr::Range(x) => &x.attrs,
        Expr::Reference(x) => &x.attrs,
        Expr::Repeat(x) => &x.attrs,
        Expr::Return(x) => &x.attrs,
        Expr::Struct(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::Tuple(x) => &x.attrs,
        Expr::Unary(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        _ => return None,
    })
}

/// A closure's first token: `for<'a>`, `const`, `static`, `async`, `move` or `|`.
fn closure_first(c: &syn::ExprClosure) -> Span {
    c.lifetimes
        .as_ref()
        .map(|l| l.for_token.span)
        .or(c.constness.map(|t| t.span))
        .or(c.movability.map(|t| t.span))
        .or(c.asyncness.map(|t| t.span))
        .or(c.capture.map(|t| t.span))
        .unwrap_or(c.or1_token.span)
}

/// A loop's label (`'outer:`) if it has one, else its keyword.
fn label_or(label: &Option<syn::Label>, keyword: Span) -> Span {
    label.as_ref().map_or(keyword, |l| l.name.apostrophe)
}

/// The first and last token of `..` or `..=`.
fn range_limits(limits: &syn::RangeLimits) -> (Span, Span) {
    match limits {
        syn::RangeLimits::HalfOpen(t) => (t.spans[0], t.spans[1]),
        syn::RangeLimits::Closed(t) => (t.spans[0], t.spans[2]),
    }
}

fn path_first(path: &syn::Path) -> Option<Span> {
    match &path.leading_colon {
        Some(colons) => Some(colons.spans[0]),
        None => Some(path.segments.first()?.ident.span()),
    }
}

fn path_last(path: &syn::Path) -> Option<Span> {
    let segment = path.segments.last()?;
    match &segment.arguments {
        syn::PathArguments::None => Some(segment.ident.span()),
        // `Vec::<u8>`: its last token is inside the arguments.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::visit::Visit;

    /// Every expression, `let` and signature of the Rust fixtures and of our own sources:
    /// where the edges are known they give exactly the span `Spanned` gives.
    #[test]
    fn edges_agree_with_spanned_on_every_fixture_expression() {
        struct Check {
            known: usize,
            checked: usize,
            lets: usize,
            signatures: usize,
            macros: usize,
            /// The kinds of expression whose edges were checked.
            kinds: std::collections::BTreeSet<String>,
        }
        impl<'ast> Visit<'ast> for Check {
            fn visit_expr(&mut self, e: &'ast Expr) {
                self.checked += 1;
                if let Some((a, b)) = edges(e) {
                    self.known += 1;
                    let kind = format!("{e:?}");
                    self.kinds
                        .insert(kind[..kind.find([' ', '(']).unwrap_or(kind.len())].to_owned());
                    let whole = e.span();
                    let text = quote::ToTokens::to_token_stream(e).to_string();
                    assert_eq!(a.start(), whole.start(), "start of {text}");
                    assert_eq!(b.end(), whole.end(), "end of {text}");
                }
                syn::visit::visit_expr(self, e);
            }
            fn visit_local(&mut self, l: &'ast syn::Local) {
                let (a, b) = local_edges(l);
                let whole = l.span();
                assert_eq!((a.start(), b.end()), (whole.start(), whole.end()), "a let");
                self.lets += 1;
                syn::visit::visit_local(self, l);
            }
            fn visit_macro(&mut self, mac: &'ast syn::Macro) {
                if let Some((a, b)) = macro_edges(mac) {
                    let whole = mac.span();
                    assert_eq!(
                        (a.start(), b.end()),
                        (whole.start(), whole.end()),
                        "a macro"
                    );
                    self.macros += 1;
                }
                syn::visit::visit_macro(self, mac);
            }
            fn visit_signature(&mut self, sig: &'ast syn::Signature) {
                assert_eq!(
                    signature_start(sig).start(),
                    sig.span().start(),
                    "{}",
                    sig.ident
                );
                self.signatures += 1;
                syn::visit::visit_signature(self, sig);
            }
        }
        let mut check = Check {
            known: 0,
            checked: 0,
            lets: 0,
            signatures: 0,
            macros: 0,
            kinds: Default::default(),
        };
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("fixtures"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    files.push(path);
                }
            }
        }
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read");
            if let Ok(file) = syn::parse_file(&text) {
                check.visit_file(&file);
            }
        }
        // Shapes our sources may lack: labels, async blocks, closure prefixes, open ranges.
        let extra = "fn f() { let a = async move { 1 }; let b = #[inline] static move |x| x;
            'outer: for x in ..=3 { 'inner: while true { continue 'outer; } loop { break 'inner; } }
            let c = for<'a> |y: &'a u8| -> u8 { *y }; let d = (1..); let e = [0; 4]; }";
        check.visit_file(&syn::parse_file(extra).expect("the extra shapes parse"));
        assert!(check.checked > 1000, "{} expressions", check.checked);
        assert!(check.lets > 100, "{} lets", check.lets);
        assert!(check.signatures > 100, "{} signatures", check.signatures);
        assert!(check.macros > 100, "{} macros", check.macros);
        for kind in [
            "Closure", "ForLoop", "While", "Loop", "Range", "Continue", "Repeat", "Async",
        ] {
            assert!(
                check.kinds.contains(&format!("Expr::{kind}")),
                "no {kind} checked"
            );
        }
        // Nearly every expression takes the linear path.
        assert!(
            check.known * 10 > check.checked * 9,
            "{}/{}",
            check.known,
            check.checked
        );
    }
}
