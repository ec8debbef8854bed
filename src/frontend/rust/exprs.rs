//! Expressions. What carries or touches a session keeps its shape (names, members,
//! calls, closures, `?`); references, derefs, casts and parentheses are transparent;
//! everything else is `Opaque` with its children in evaluation order.
//!
//! Control flow met inside an expression (an `if` with statements in its arms, `return`,
//! `panic!`) is hoisted into `out`, the statements of the enclosing block.

use super::context::{expr, opaque, Lowerer};
use super::stmts::Tail;
use crate::facts::{Block, Closure, Expr, ExprKind, Stmt, StmtKind};

impl Lowerer<'_> {
    pub fn lower_expr(&mut self, e: &syn::Expr, out: &mut Block) -> Expr {
        match self.nested(|l| l.lower_expr_inner(e, out)) {
            Some(lowered) => lowered,
            None => opaque(vec![], self.span_of_expr(e)),
        }
    }

    fn lower_expr_inner(&mut self, e: &syn::Expr, out: &mut Block) -> Expr {
        let span = self.span_of_expr(e);
        match e {
            // Transparent wrappers.
            syn::Expr::Paren(p) => self.lower_expr(&p.expr, out),
            syn::Expr::Group(g) => self.lower_expr(&g.expr, out),
            syn::Expr::Reference(r) => self.lower_expr(&r.expr, out),
            syn::Expr::RawAddr(r) => self.lower_expr(&r.expr, out),
            syn::Expr::Cast(c) => self.lower_expr(&c.expr, out),
            syn::Expr::Await(a) => self.lower_expr(&a.base, out),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.lower_expr(&u.expr, out)
            }

            syn::Expr::Path(p) => self.lower_path_expr(p, span),
            syn::Expr::Field(f) => {
                let base = self.lower_expr(&f.base, out);
                let name = match &f.member {
                    syn::Member::Named(ident) => ident.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                expr(
                    ExprKind::Member {
                        base: Box::new(base),
                        name,
                    },
                    span,
                )
            }
            syn::Expr::Call(c) => self.lower_call(c, span, out),
            syn::Expr::MethodCall(m) => self.lower_method_call(m, span, out),
            syn::Expr::Macro(m) => self.lower_macro(&m.mac, out),
            syn::Expr::Struct(s) => self.lower_struct_literal(s, span, out),
            syn::Expr::Closure(c) => self.lower_closure(c, span),
            syn::Expr::Async(a) => {
                // An `async` block is a future that runs later: a closure without parameters.
                let body = self.lower_block(&a.block, &Tail::Return);
                closure(Vec::new(), body, span)
            }
            syn::Expr::Try(t) => {
                let inner = self.lower_expr(&t.expr, out);
                expr(
                    ExprKind::Try {
                        inner: Box::new(inner),
                        propagates: true,
                    },
                    span,
                )
            }
            syn::Expr::Assign(a) => {
                let target = self.lower_expr(&a.left, out);
                let value = self.lower_expr(&a.right, out);
                expr(
                    ExprKind::Assign {
                        target: Box::new(target),
                        value: Box::new(value),
                    },
                    span,
                )
            }
            syn::Expr::Binary(b) if is_compound_assign(&b.op) => {
                let target = self.lower_expr(&b.left, out);
                let value = self.lower_expr(&b.right, out);
                expr(
                    ExprKind::Assign {
                        target: Box::new(target),
                        value: Box::new(value),
                    },
                    span,
                )
            }
            syn::Expr::Binary(b) => {
                let left = self.lower_expr(&b.left, out);
                let right = self.lower_expr(&b.right, out);
                opaque(vec![left, right], span)
            }
            syn::Expr::Unary(u) => {
                let inner = self.lower_expr(&u.expr, out);
                opaque(vec![inner], span)
            }
            syn::Expr::Lit(_) => expr(ExprKind::Literal, span),
            syn::Expr::Tuple(t) if t.elems.is_empty() => expr(ExprKind::Literal, span),
            syn::Expr::Tuple(t) => self.lower_all(t.elems.iter(), span, out),
            syn::Expr::Array(a) => self.lower_all(a.elems.iter(), span, out),
            syn::Expr::Repeat(r) => self.lower_all([&*r.expr, &*r.len], span, out),
            syn::Expr::Index(i) => self.lower_all([&*i.expr, &*i.index], span, out),
            syn::Expr::Range(r) => {
                self.lower_all(r.start.iter().chain(r.end.iter()).map(|e| &**e), span, out)
            }
            syn::Expr::Let(l) => self.lower_all([&*l.expr], span, out),
            syn::Expr::Block(b) if b.label.is_none() => self.lower_block_value(&b.block, span, out),
            syn::Expr::Unsafe(u) => self.lower_block_value(&u.block, span, out),
            syn::Expr::If(_) | syn::Expr::Match(_) => self.lower_choice(e, span, out),
            // Loops, labelled blocks and jumps in value position: hoisted as statements.
            syn::Expr::Block(_)
            | syn::Expr::Loop(_)
            | syn::Expr::While(_)
            | syn::Expr::ForLoop(_)
            | syn::Expr::Return(_)
            | syn::Expr::Break(_)
            | syn::Expr::Continue(_) => {
                self.lower_control(e, &Tail::Eval, out);
                opaque(vec![], span)
            }
            syn::Expr::Infer(_) => expr(ExprKind::Literal, span),
            _ => opaque(vec![], span),
        }
    }

    pub fn lower_all<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e syn::Expr>,
        span: crate::facts::Span,
        out: &mut Block,
    ) -> Expr {
        let children = exprs.into_iter().map(|e| self.lower_expr(e, out)).collect();
        opaque(children, span)
    }

    fn lower_path_expr(&mut self, p: &syn::ExprPath, span: crate::facts::Span) -> Expr {
        let segments = &p.path.segments;
        if p.qself.is_none() && segments.len() == 1 {
            let ident = &segments[0].ident;
            return match ident.to_string().as_str() {
                "self" => expr(ExprKind::SelfRef, span),
                "None" | "nil" | "NIL" => expr(ExprKind::Nil, span),
                "Self" => expr(ExprKind::TypeRef(self.type_name(ident)), span),
                name => expr(ExprKind::Name(name.to_string()), span),
            };
        }
        let Some(last) = segments.last() else {
            return opaque(vec![], span);
        };
        match self.path_type(p.qself.as_ref(), &p.path) {
            // `Foo::BAR`: an associated constant or static.
            Some(type_name) => {
                let base = expr(ExprKind::TypeRef(type_name), span);
                expr(
                    ExprKind::Member {
                        base: Box::new(base),
                        name: last.ident.to_string(),
                    },
                    span,
                )
            }
            // `crate::SESSION`, `std::ptr::null`: a module path names the item itself.
            None => expr(ExprKind::Name(last.ident.to_string()), span),
        }
    }

    /// The type a multi-segment path's last segment belongs to (`objc2_foundation::NSURLSession::new`
    /// → `NSURLSession`, `<T as Trait>::f` → `T`), or `None` for a module path (`std::mem::drop`).
    pub fn path_type(&self, qself: Option<&syn::QSelf>, path: &syn::Path) -> Option<String> {
        if let Some(qself) = qself {
            return super::imports::last_type_name(&qself.ty).map(|name| {
                if name == "Self" {
                    self.owner.clone().unwrap_or(name)
                } else {
                    self.imports.resolve(&name).to_string()
                }
            });
        }
        let segments = &path.segments;
        let owner = segments.iter().rev().nth(1)?;
        let name = owner.ident.to_string();
        let is_type = name == "Self" || name.chars().next().is_some_and(|c| c.is_uppercase());
        is_type.then(|| self.type_name(&owner.ident))
    }

    fn lower_struct_literal(
        &mut self,
        s: &syn::ExprStruct,
        span: crate::facts::Span,
        out: &mut Block,
    ) -> Expr {
        let type_name = match s.path.segments.last() {
            Some(last) => self.type_name(&last.ident),
            None => String::new(),
        };
        let mut args: Vec<crate::facts::Arg> = s
            .fields
            .iter()
            .map(|field| {
                let label = match &field.member {
                    syn::Member::Named(ident) => ident.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                crate::facts::Arg {
                    label: Some(label),
                    value: self.lower_expr(&field.expr, out),
                }
            })
            .collect();
        if let Some(rest) = &s.rest {
            args.push(crate::facts::Arg {
                label: None,
                value: self.lower_expr(rest, out),
            });
        }
        expr(ExprKind::Construct { type_name, args }, span)
    }

    fn lower_closure(&mut self, c: &syn::ExprClosure, span: crate::facts::Span) -> Expr {
        let params = c
            .inputs
            .iter()
            .flat_map(super::patterns::bindings)
            .map(|name| name.to_string())
            .collect();
        let mut body = Vec::new();
        match &*c.body {
            syn::Expr::Block(b) if b.label.is_none() => {
                self.lower_stmts(&b.block.stmts, &Tail::Return, &mut body)
            }
            other => self.lower_tail(other, &Tail::Return, &mut body),
        }
        closure(params, body, span)
    }

    /// `{ stmts; tail }` as a value: the statements run in the enclosing block, the tail is the value.
    fn lower_block_value(
        &mut self,
        block: &syn::Block,
        span: crate::facts::Span,
        out: &mut Block,
    ) -> Expr {
        match block.stmts.split_last() {
            Some((syn::Stmt::Expr(tail, None), init)) => {
                self.lower_stmts(init, &Tail::Eval, out);
                self.lower_expr(tail, out)
            }
            _ => {
                self.lower_stmts(&block.stmts, &Tail::Eval, out);
                expr(ExprKind::Literal, span)
            }
        }
    }

    /// An `if`/`match` used as a value: `Choice` of the arms when each arm is a plain value,
    /// otherwise control flow that assigns a temporary (so statements in the arms are kept).
    fn lower_choice(&mut self, e: &syn::Expr, span: crate::facts::Span, out: &mut Block) -> Expr {
        if !self.needs_control_flow(e) {
            if let Some(choice) = self.simple_choice(e, span, out) {
                return choice;
            }
        }
        let temp = self.temp_name("value");
        out.push(Stmt {
            kind: StmtKind::Let {
                name: temp.clone(),
                name_span: span,
                value: None,
                is_static: false,
            },
            span,
        });
        let target = expr(ExprKind::Name(temp), span);
        self.lower_control(e, &Tail::Assign(target.clone()), out);
        target
    }

    fn simple_choice(
        &mut self,
        e: &syn::Expr,
        span: crate::facts::Span,
        out: &mut Block,
    ) -> Option<Expr> {
        let mut values = Vec::new();
        match e {
            syn::Expr::If(i) => {
                let mut cond_out = Vec::new();
                self.lower_condition(&i.cond, out, &mut cond_out);
                out.extend(cond_out);
                values.push(self.lower_block_value(&i.then_branch, span, out));
                match &i.else_branch {
                    Some((_, other)) => values.push(self.lower_expr(other, out)),
                    None => values.push(expr(ExprKind::Literal, span)),
                }
            }
            syn::Expr::Match(m) => {
                let scrutinee = self.lower_expr(&m.expr, out);
                super::stmts::push_eval(scrutinee, out);
                for arm in &m.arms {
                    values.push(self.lower_expr(&arm.body, out));
                }
            }
            _ => return None,
        }
        Some(expr(ExprKind::Choice(values), span))
    }

    /// Must this `if`/`match`/block be lowered as control flow to keep its meaning?
    /// True when an arm has statements, binds names, or leaves (`return`, `?` is fine).
    pub fn needs_control_flow(&self, e: &syn::Expr) -> bool {
        needs_control_flow(e, 0)
    }
}

fn needs_control_flow(e: &syn::Expr, depth: usize) -> bool {
    if depth > 32 {
        return true;
    }
    let block_needs = |b: &syn::Block| match b.stmts.as_slice() {
        [] => false,
        [syn::Stmt::Expr(tail, None)] => needs_control_flow(tail, depth + 1) || is_jump(tail),
        _ => true,
    };
    match e {
        syn::Expr::If(i) => {
            matches!(&*i.cond, syn::Expr::Let(_))
                || super::stmts::has_let(&i.cond)
                || block_needs(&i.then_branch)
                || i.else_branch.as_ref().is_some_and(|(_, other)| {
                    needs_control_flow(other, depth + 1) || is_jump(other)
                })
        }
        syn::Expr::Match(m) => m.arms.iter().any(|arm| {
            arm.guard.is_some()
                || !super::patterns::bindings(&arm.pat).is_empty()
                || needs_control_flow(&arm.body, depth + 1)
                || is_jump(&arm.body)
        }),
        syn::Expr::Block(b) if b.label.is_none() => block_needs(&b.block),
        syn::Expr::Unsafe(u) => block_needs(&u.block),
        syn::Expr::Paren(p) => needs_control_flow(&p.expr, depth + 1),
        _ => false,
    }
}

/// An expression that leaves or may not produce a value by itself.
fn is_jump(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Return(_)
        | syn::Expr::Break(_)
        | syn::Expr::Continue(_)
        | syn::Expr::Loop(_)
        | syn::Expr::While(_)
        | syn::Expr::ForLoop(_) => true,
        syn::Expr::Macro(m) => super::macros::is_abort_macro(&m.mac),
        _ => false,
    }
}

fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

fn closure(params: Vec<String>, body: Block, span: crate::facts::Span) -> Expr {
    expr(
        ExprKind::Closure(Box::new(Closure {
            params,
            body,
            weak_captures: Vec::new(),
        })),
        span,
    )
}
