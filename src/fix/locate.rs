//! What fixes need to know from a function's facts: which statement a call is, which scope a
//! session was created in, what else in that scope touches it. Facts only, no syntax.

use crate::analyze::walk;
use crate::facts::{Block, Expr, ExprKind, Span, Stmt, StmtKind};

/// Statements nested deeper than this get no fix (the search copies its path at each level).
const MAX_DEPTH: usize = 256;

/// From the body to a statement: each enclosing (block, index), outermost first.
type StmtPath<'a> = Vec<(&'a Block, usize)>;

/// The first statement (in no particular order) that `pred` accepts, with its path.
fn find<'a>(body: &'a Block, pred: &dyn Fn(&Stmt) -> bool) -> Option<StmtPath<'a>> {
    let mut stack: Vec<(&'a Block, StmtPath<'a>)> = vec![(body, Vec::new())];
    while let Some((block, path)) = stack.pop() {
        if path.len() > MAX_DEPTH {
            continue;
        }
        for (i, stmt) in block.iter().enumerate() {
            let mut here = path.clone();
            here.push((block, i));
            if pred(stmt) {
                return Some(here);
            }
            for child in child_blocks(stmt) {
                stack.push((child, here.clone()));
            }
        }
    }
    None
}

/// The blocks directly under a statement, closure bodies in its expressions included.
fn child_blocks(stmt: &Stmt) -> Vec<&Block> {
    let mut blocks = Vec::new();
    let mut exprs = Vec::new();
    walk::stmt_parts(&stmt.kind, &mut blocks, &mut exprs);
    while let Some(e) = exprs.pop() {
        if let ExprKind::Closure(c) = &e.kind {
            blocks.push(&c.body);
        }
        walk::push_children(e, &mut exprs);
    }
    blocks
}

/// Evaluating it does nothing but read: a name, `self`, a type, the shared session, members of those.
fn is_plain_read(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::SharedSession | ExprKind::Name(_) | ExprKind::SelfRef | ExprKind::TypeRef(_) => {
            true
        }
        ExprKind::Member { base, .. } => is_plain_read(base),
        _ => false,
    }
}

/// `e` is the call whose method token is at `method`, on a receiver that is only read.
fn is_call_at(e: &Expr, method: Span) -> bool {
    matches!(&e.kind, ExprKind::Call { receiver: Some(r), method_span, args, .. }
        if *method_span == method && args.is_empty() && is_plain_read(r))
}

/// The statement that is nothing but the (argument-less) call at `method` on a receiver that
/// is only read, widened to a scope (`unsafe { .. }`, `do { .. }`) holding only it: what
/// can be removed without removing anything else. `None` when the call is part of a larger
/// statement, or removing it could change the statement structure around it (the only
/// statement of a branch or loop, whose braces the facts do not show; right after a label).
pub fn lone_call_statement(body: &Block, method: Span) -> Option<Span> {
    let mut path = find(body, &|stmt| match &stmt.kind {
        StmtKind::Eval(e) => is_call_at(e, method),
        // Swift's single-expression body: an implicit `return`, no keyword in the span.
        StmtKind::Return(Some(e)) => e.span == stmt.span && is_call_at(e, method),
        _ => false,
    })?;
    while path.len() >= 2 {
        let (inner, _) = path[path.len() - 1];
        let (outer, at) = path[path.len() - 2];
        match &outer[at].kind {
            StmtKind::Scope(b) if b.len() == 1 && std::ptr::eq(b, inner) => {
                path.pop();
            }
            _ => break,
        }
    }
    let (block, at) = *path.last()?;
    if let Some(&(outer, parent)) = path.len().checked_sub(2).and_then(|i| path.get(i)) {
        let sole_body = block.len() == 1
            && matches!(
                outer[parent].kind,
                StmtKind::Branch { .. } | StmtKind::Loop { .. }
            );
        if sole_body {
            return None;
        }
    }
    if at > 0 && matches!(block[at - 1].kind, StmtKind::Label(_)) {
        return None;
    }
    Some(block[at].span)
}

/// The scope a local session was created in, as a fix needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreationScope {
    /// The statement that binds the session.
    pub creation: Span,
    /// The last statement of the scope (the creation itself when nothing follows it).
    pub last: Span,
    /// Something after the creation can leave the scope before its end (return, throw,
    /// break, continue, goto, a propagating `try`).
    pub leaves_early: bool,
    /// A closure after the creation names the session: it may run after the scope ends.
    pub captured: bool,
}

/// The scope of `let <binding> = <creation>` where the creation expression spans `value`.
pub fn creation_scope(body: &Block, binding: &str, value: Span) -> Option<CreationScope> {
    let path = find(body, &|stmt| {
        matches!(&stmt.kind, StmtKind::Let { name, value: Some(v), is_static: false, .. }
            if name == binding && v.span == value)
    })?;
    let (block, at) = *path.last()?;
    let rest = &block[at + 1..];
    Some(CreationScope {
        creation: block[at].span,
        last: block.last()?.span,
        leaves_early: rest.iter().any(leaves_early),
        captured: rest.iter().any(|s| captures(s, binding)),
    })
}

/// The statement, or one nested in it (closures aside), can leave an enclosing scope early.
fn leaves_early(stmt: &Stmt) -> bool {
    let mut found = false;
    let block = std::slice::from_ref(stmt);
    let mut blocks: Vec<&[Stmt]> = vec![block];
    let mut exprs: Vec<&Expr> = Vec::new();
    while let Some(b) = blocks.pop() {
        for s in b {
            found |= matches!(
                s.kind,
                StmtKind::Return(_)
                    | StmtKind::Throw(_)
                    | StmtKind::Break(_)
                    | StmtKind::Continue(_)
                    | StmtKind::Goto(_)
            );
            let mut nested = Vec::new();
            walk::stmt_parts(&s.kind, &mut nested, &mut exprs);
            blocks.extend(nested.into_iter().map(|b| b.as_slice()));
        }
        while let Some(e) = exprs.pop() {
            found |= matches!(
                e.kind,
                ExprKind::Try {
                    propagates: true,
                    ..
                }
            );
            // Closure bodies are pushed by `push_children` never: they leave themselves only.
            walk::push_children(e, &mut exprs);
        }
    }
    found
}

/// A closure inside the statement names `binding`.
fn captures(stmt: &Stmt, binding: &str) -> bool {
    let mut found = false;
    for block in child_blocks_deep(stmt) {
        walk::each_expr(block, true, &mut |e| {
            found |= matches!(&e.kind, ExprKind::Name(n) if n == binding);
        });
    }
    found
}

/// The bodies of the closures in a statement (and in its nested statements).
fn child_blocks_deep(stmt: &Stmt) -> Vec<&Block> {
    let mut closures = Vec::new();
    let mut blocks: Vec<&[Stmt]> = vec![std::slice::from_ref(stmt)];
    let mut exprs: Vec<&Expr> = Vec::new();
    while let Some(b) = blocks.pop() {
        for s in b {
            let mut nested = Vec::new();
            walk::stmt_parts(&s.kind, &mut nested, &mut exprs);
            blocks.extend(nested.into_iter().map(|b| b.as_slice()));
        }
        while let Some(e) = exprs.pop() {
            if let ExprKind::Closure(c) = &e.kind {
                closures.push(&c.body);
            }
            walk::push_children(e, &mut exprs);
        }
    }
    closures
}
