//! Statements and control flow: blocks, `let` (with `else`), `if`/`if let`, `match`,
//! loops, `return`/`break`/`continue`, and what a block's tail expression means.

use super::context::{expr, opaque, Lowerer};
use super::patterns;
use crate::facts::{Block, Expr, ExprKind, Span, Stmt, StmtKind};

/// What happens to the value of a block's tail expression.
#[derive(Clone, Debug)]
pub enum Tail {
    /// The function's or closure's result: `Return(Some(value))`.
    Return,
    /// Evaluated and dropped (unit-returning bodies, statement-position blocks).
    Eval,
    /// Stored into a local (an `if`/`match` used as a value, lowered as control flow).
    Assign(Expr),
}

impl Lowerer<'_> {
    pub fn lower_block(&mut self, block: &syn::Block, tail: &Tail) -> Block {
        let mut out = Vec::new();
        self.lower_stmts(&block.stmts, tail, &mut out);
        out
    }

    pub fn lower_stmts(&mut self, stmts: &[syn::Stmt], tail: &Tail, out: &mut Block) {
        for (i, stmt) in stmts.iter().enumerate() {
            let is_last = i + 1 == stmts.len();
            match stmt {
                syn::Stmt::Local(local) => self.lower_local(local, out),
                syn::Stmt::Item(item) => self.lower_item(item),
                syn::Stmt::Expr(e, None) if is_last => self.lower_tail(e, tail, out),
                syn::Stmt::Expr(e, _) => self.lower_expr_stmt(e, out),
                syn::Stmt::Macro(m) if is_last && m.semi_token.is_none() => {
                    let e = syn::Expr::Macro(syn::ExprMacro {
                        attrs: m.attrs.clone(),
                        mac: m.mac.clone(),
                    });
                    self.lower_tail(&e, tail, out)
                }
                syn::Stmt::Macro(m) => {
                    let value = self.lower_macro(&m.mac, out);
                    push_eval(value, out);
                }
            }
        }
    }

    /// An expression evaluated for its effects: control flow becomes statements.
    pub fn lower_expr_stmt(&mut self, e: &syn::Expr, out: &mut Block) {
        let lowered = self.nested(|l| l.lower_control(e, &Tail::Eval, out));
        match lowered {
            Some(true) => {}
            Some(false) => {
                let value = self.lower_expr(e, out);
                push_eval(value, out);
            }
            None => {
                let span = self.span_of_expr(e);
                out.push(Stmt {
                    kind: StmtKind::Eval(opaque(vec![], span)),
                    span,
                })
            }
        }
    }

    /// The last expression of a block, given what its value is for.
    pub fn lower_tail(&mut self, e: &syn::Expr, tail: &Tail, out: &mut Block) {
        if self.nested(|l| l.lower_control(e, tail, out)) == Some(true) {
            return;
        }
        let value = self.lower_expr(e, out);
        if let ExprKind::Opaque(children) = &value.kind {
            // A diverging tail (`return`, `panic!`) already left its statement.
            if children.is_empty() && out.last().is_some_and(|s| diverges(&s.kind)) {
                return;
            }
        }
        let span = value.span;
        let kind = match tail {
            Tail::Return => StmtKind::Return(Some(value)),
            Tail::Eval => StmtKind::Eval(value),
            Tail::Assign(target) => StmtKind::Eval(expr(
                ExprKind::Assign {
                    target: Box::new(target.clone()),
                    value: Box::new(value),
                },
                span,
            )),
        };
        out.push(Stmt { kind, span });
    }

    /// Lowers `e` as control flow when it is one (`if`, `match`, loops, blocks, jumps),
    /// passing `tail` into its arms. Returns false when `e` is a plain expression.
    pub fn lower_control(&mut self, e: &syn::Expr, tail: &Tail, out: &mut Block) -> bool {
        let span = self.span_of_expr(e);
        match e {
            syn::Expr::If(e) => self.lower_if(e, span, tail, out),
            syn::Expr::Match(e) => self.lower_match(e, span, tail, out),
            syn::Expr::Block(b) if b.label.is_none() => {
                let body = self.lower_block(&b.block, tail);
                out.push(Stmt {
                    kind: StmtKind::Scope(body),
                    span,
                });
            }
            syn::Expr::Unsafe(b) => {
                let body = self.lower_block(&b.block, tail);
                out.push(Stmt {
                    kind: StmtKind::Scope(body),
                    span,
                });
            }
            syn::Expr::Block(b) => {
                // A labelled block: `break 'label` leaves it, like a loop that runs once.
                let body = self.lower_block(&b.block, tail);
                out.push(Stmt {
                    kind: StmtKind::Loop {
                        label: b.label.as_ref().map(|l| label_name(&l.name)),
                        header: Vec::new(),
                        body: with_final_break(body, b.label.as_ref(), span),
                        at_least_once: true,
                        infinite: false,
                    },
                    span,
                });
            }
            syn::Expr::Loop(e) => {
                let body = self.lower_block(&e.body, &Tail::Eval);
                out.push(Stmt {
                    kind: StmtKind::Loop {
                        label: e.label.as_ref().map(|l| label_name(&l.name)),
                        header: Vec::new(),
                        body,
                        at_least_once: true,
                        infinite: true,
                    },
                    span,
                });
            }
            syn::Expr::While(e) => self.lower_while(e, span, out),
            syn::Expr::ForLoop(e) => self.lower_for(e, span, out),
            syn::Expr::Return(r) => {
                let value = r.expr.as_ref().map(|v| self.lower_expr(v, out));
                out.push(Stmt {
                    kind: StmtKind::Return(value),
                    span,
                });
            }
            syn::Expr::Break(b) => {
                if let Some(value) = &b.expr {
                    let value = self.lower_expr(value, out);
                    push_eval(value, out);
                }
                out.push(Stmt {
                    kind: StmtKind::Break(b.label.as_ref().map(label_name)),
                    span,
                });
            }
            syn::Expr::Continue(c) => out.push(Stmt {
                kind: StmtKind::Continue(c.label.as_ref().map(label_name)),
                span,
            }),
            syn::Expr::Paren(p) => {
                return self
                    .nested(|l| l.lower_control(&p.expr, tail, out))
                    .unwrap_or(false)
            }
            _ => return false,
        }
        true
    }

    fn lower_if(&mut self, e: &syn::ExprIf, span: Span, tail: &Tail, out: &mut Block) {
        let mut then_arm = Vec::new();
        self.lower_condition(&e.cond, out, &mut then_arm);
        then_arm.extend(self.lower_block(&e.then_branch, tail));
        let mut arms = vec![then_arm];
        if let Some((_, else_expr)) = &e.else_branch {
            let mut else_arm = Vec::new();
            match &**else_expr {
                syn::Expr::Block(b) if b.label.is_none() => {
                    self.lower_stmts(&b.block.stmts, tail, &mut else_arm)
                }
                other => self.lower_tail(other, tail, &mut else_arm),
            }
            arms.push(else_arm);
        }
        let exhaustive = arms.len() == 2;
        out.push(Stmt {
            kind: StmtKind::Branch { arms, exhaustive },
            span,
        });
    }

    /// Lowers an `if`/`while` condition: what it evaluates goes to `before`, what a
    /// `let` pattern binds goes to the start of the arm it guards.
    pub fn lower_condition(&mut self, cond: &syn::Expr, before: &mut Block, arm: &mut Block) {
        match cond {
            syn::Expr::Let(l) => {
                let value = self.lower_expr(&l.expr, before);
                self.bind_pattern(&l.pat, value, self.span_of_expr(cond), arm);
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) && has_let(cond) => {
                // `if let A = x && let B = y && cond`: later parts run only when earlier ones held.
                self.lower_condition(&b.left, before, arm);
                let mut rest = Vec::new();
                self.lower_condition(&b.right, &mut rest, arm);
                // What the right side evaluates happens inside the arm.
                let bindings = std::mem::take(arm);
                arm.extend(rest);
                arm.extend(bindings);
            }
            syn::Expr::Paren(p) => self.lower_condition(&p.expr, before, arm),
            other => {
                let value = self.lower_expr(other, before);
                push_eval(value, before);
            }
        }
    }

    /// Binds what `pat` names to `value` at the start of an arm: a pattern that passes
    /// the value on (`x`, `Some(x)`, `Ok(x)`) makes an alias, others bind unknown values.
    pub fn bind_pattern(&mut self, pat: &syn::Pat, value: Expr, span: Span, arm: &mut Block) {
        if let Some(name) = patterns::alias_binding(pat) {
            arm.push(Stmt {
                kind: StmtKind::Let {
                    name: name.to_string(),
                    name_span: self.spans.span(name.span()),
                    value: Some(value),
                    is_static: false,
                },
                span,
            });
            return;
        }
        push_eval(value, arm);
        for name in patterns::bindings(pat) {
            arm.push(Stmt {
                kind: StmtKind::Let {
                    name: name.to_string(),
                    name_span: self.spans.span(name.span()),
                    value: None,
                    is_static: false,
                },
                span,
            });
        }
    }

    fn lower_match(&mut self, e: &syn::ExprMatch, span: Span, tail: &Tail, out: &mut Block) {
        let scrutinee = self.lower_expr(&e.expr, out);
        let arms = e
            .arms
            .iter()
            .map(|arm| {
                let mut block = Vec::new();
                if patterns::carries_value(&arm.pat) {
                    self.bind_pattern(
                        &arm.pat,
                        scrutinee.clone(),
                        self.span_of(&arm.pat),
                        &mut block,
                    );
                }
                if let Some((_, guard)) = &arm.guard {
                    // A failing guard falls through to later arms: the guard's effects are kept,
                    // the fall-through is not modelled.
                    let value = self.lower_expr(guard, &mut block);
                    push_eval(value, &mut block);
                }
                match &*arm.body {
                    syn::Expr::Block(b) if b.label.is_none() => {
                        self.lower_stmts(&b.block.stmts, tail, &mut block)
                    }
                    body => self.lower_tail(body, tail, &mut block),
                }
                block
            })
            .collect();
        out.push(Stmt {
            kind: StmtKind::Branch {
                arms,
                exhaustive: true,
            },
            span,
        });
    }

    fn lower_while(&mut self, e: &syn::ExprWhile, span: Span, out: &mut Block) {
        let mut header = Vec::new();
        let mut body = Vec::new();
        self.lower_condition(&e.cond, &mut header, &mut body);
        body.extend(self.lower_block(&e.body, &Tail::Eval));
        let infinite =
            matches!(&*e.cond, syn::Expr::Lit(l) if matches!(&l.lit, syn::Lit::Bool(b) if b.value));
        out.push(Stmt {
            kind: StmtKind::Loop {
                label: e.label.as_ref().map(|l| label_name(&l.name)),
                header,
                body,
                at_least_once: false,
                infinite,
            },
            span,
        });
    }

    fn lower_for(&mut self, e: &syn::ExprForLoop, span: Span, out: &mut Block) {
        let mut header = Vec::new();
        let iterated = self.lower_expr(&e.expr, &mut header);
        // Each element is bound from the iterated value (an alias of the collection).
        self.bind_pattern(&e.pat, iterated, self.span_of(&e.pat), &mut header);
        let body = self.lower_block(&e.body, &Tail::Eval);
        out.push(Stmt {
            kind: StmtKind::Loop {
                label: e.label.as_ref().map(|l| label_name(&l.name)),
                header,
                body,
                at_least_once: false,
                infinite: false,
            },
            span,
        });
    }

    fn lower_local(&mut self, local: &syn::Local, out: &mut Block) {
        let (first, last) = super::edges::local_edges(local);
        let span = self.spans.join(first, last);
        let Some(init) = &local.init else {
            for name in patterns::bindings(&local.pat) {
                out.push(Stmt {
                    kind: StmtKind::Let {
                        name: name.to_string(),
                        name_span: self.spans.span(name.span()),
                        value: None,
                        is_static: false,
                    },
                    span,
                });
            }
            return;
        };
        let alias = patterns::alias_binding(&local.pat);
        if let (Some(name), None) = (alias, &init.diverge) {
            if self.needs_control_flow(&init.expr) {
                // `let x = if c { ..; a } else { b };` → `let x;` and each arm assigns `x`.
                let name_span = self.spans.span(name.span());
                out.push(Stmt {
                    kind: StmtKind::Let {
                        name: name.to_string(),
                        name_span,
                        value: None,
                        is_static: false,
                    },
                    span,
                });
                let target = expr(ExprKind::Name(name.to_string()), name_span);
                if self.nested(|l| l.lower_control(&init.expr, &Tail::Assign(target), out))
                    == Some(true)
                {
                    return;
                }
            }
        }
        let value = self.lower_expr(&init.expr, out);
        if let Some((_, else_block)) = &init.diverge {
            // `let PAT = e else { .. };`: the else arm runs (and leaves) when PAT does not match;
            // the bindings exist only after it.
            let else_arm = self.lower_else(else_block);
            out.push(Stmt {
                kind: StmtKind::Branch {
                    arms: vec![else_arm],
                    exhaustive: false,
                },
                span: self.span_of(else_block),
            });
        }
        if patterns::bindings(&local.pat).is_empty() {
            // `let _: () = e;` is one statement: its span is the whole `let` (a fix that
            // removes the statement must not leave `let _: () =` behind).
            let at = out.len();
            push_eval(value, out);
            if let Some(stmt) = out.get_mut(at) {
                stmt.span = span;
            }
            return;
        }
        self.bind_pattern(&local.pat, value, span, out);
    }

    fn lower_else(&mut self, else_expr: &syn::Expr) -> Block {
        let mut arm = Vec::new();
        match else_expr {
            syn::Expr::Block(b) if b.label.is_none() => {
                self.lower_stmts(&b.block.stmts, &Tail::Eval, &mut arm)
            }
            other => self.lower_tail(other, &Tail::Eval, &mut arm),
        }
        arm
    }
}

/// Adds `Eval(value)` unless the value carries nothing (a literal, a bare name).
pub fn push_eval(value: Expr, out: &mut Block) {
    if matches!(value.kind, ExprKind::Literal) {
        return;
    }
    if let ExprKind::Opaque(children) = &value.kind {
        if children.is_empty() {
            return;
        }
    }
    let span = value.span;
    out.push(Stmt {
        kind: StmtKind::Eval(value),
        span,
    });
}

fn diverges(kind: &StmtKind) -> bool {
    matches!(
        kind,
        StmtKind::Return(_) | StmtKind::Break(_) | StmtKind::Continue(_) | StmtKind::Abort
    )
}

pub fn has_let(e: &syn::Expr) -> bool {
    let mut e = e;
    for _ in 0..64 {
        match e {
            syn::Expr::Let(_) => return true,
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                if has_let(&b.right) {
                    return true;
                }
                e = &b.left;
            }
            syn::Expr::Paren(p) => e = &p.expr,
            _ => return false,
        }
    }
    false
}

pub fn label_name(lifetime: &syn::Lifetime) -> String {
    lifetime.ident.to_string()
}

/// A labelled block falls out of its end: it is a loop body that breaks after one pass.
fn with_final_break(mut body: Block, label: Option<&syn::Label>, span: Span) -> Block {
    body.push(Stmt {
        kind: StmtKind::Break(label.map(|l| label_name(&l.name))),
        span,
    });
    body
}
