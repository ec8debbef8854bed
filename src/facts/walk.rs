//! Traversal helpers over facts (explicit stacks: facts can nest deeply).

use crate::facts::{Block, Expr, ExprKind, StmtKind};

/// Pushes `e`'s direct sub-expressions (not closure bodies) onto `stack`, last first,
/// so that popping visits them in evaluation order.
pub fn push_children<'a>(e: &'a Expr, stack: &mut Vec<&'a Expr>) {
    let start = stack.len();
    match &e.kind {
        ExprKind::Member { base, .. } => stack.push(base),
        ExprKind::Call { receiver, args, .. } => {
            stack.extend(receiver.as_deref());
            stack.extend(args.iter().map(|a| &a.value));
        }
        ExprKind::Construct { args, .. } => stack.extend(args.iter().map(|a| &a.value)),
        ExprKind::Assign { target, value } => {
            stack.push(value);
            stack.push(target);
        }
        ExprKind::Try { inner, .. } => stack.push(inner),
        ExprKind::Choice(items) | ExprKind::Opaque(items) => stack.extend(items.iter()),
        ExprKind::NewSession(_)
        | ExprKind::SharedSession
        | ExprKind::Name(_)
        | ExprKind::SelfRef
        | ExprKind::TypeRef(_)
        | ExprKind::Closure(_)
        | ExprKind::Nil
        | ExprKind::Literal
        | ExprKind::Selector(_) => {}
    }
    stack[start..].reverse();
}

/// Splits a statement into its nested blocks and its own expressions.
pub fn stmt_parts<'a>(kind: &'a StmtKind, blocks: &mut Vec<&'a Block>, exprs: &mut Vec<&'a Expr>) {
    match kind {
        StmtKind::Let { value, .. } => exprs.extend(value.as_ref()),
        StmtKind::Eval(e) => exprs.push(e),
        StmtKind::Return(v) | StmtKind::Throw(v) => exprs.extend(v.as_ref()),
        StmtKind::Branch { arms, .. } => blocks.extend(arms.iter()),
        StmtKind::Loop { header, body, .. } => {
            blocks.push(header);
            blocks.push(body);
        }
        StmtKind::Defer(b) | StmtKind::Scope(b) => blocks.push(b),
        StmtKind::Try { body, handlers, .. } => {
            blocks.push(body);
            blocks.extend(handlers.iter());
        }
        StmtKind::Break(_)
        | StmtKind::Continue(_)
        | StmtKind::Label(_)
        | StmtKind::Goto(_)
        | StmtKind::Abort => {}
    }
}

/// Calls `f` on every expression of `block`, including those inside closures when
/// `into_closures`, in no particular order. Closure expressions themselves are visited.
pub fn each_expr<'a>(block: &'a Block, into_closures: bool, f: &mut dyn FnMut(&'a Expr)) {
    let mut blocks: Vec<&'a Block> = vec![block];
    let mut exprs: Vec<&'a Expr> = Vec::new();
    while let Some(b) = blocks.pop() {
        for stmt in b {
            stmt_parts(&stmt.kind, &mut blocks, &mut exprs);
        }
        while let Some(e) = exprs.pop() {
            f(e);
            if let ExprKind::Closure(c) = &e.kind {
                if into_closures {
                    blocks.push(&c.body);
                }
            }
            push_children(e, &mut exprs);
        }
    }
}

/// Calls `f` on `e` and every expression inside it, closure bodies included.
pub fn each_in_expr<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        f(e);
        if let ExprKind::Closure(c) = &e.kind {
            each_expr(&c.body, true, f);
        }
        push_children(e, &mut stack);
    }
}

/// Calls `f` on every statement of `block` and its nested blocks (not inside closures).
pub fn each_stmt<'a>(block: &'a Block, f: &mut dyn FnMut(&'a crate::facts::Stmt)) {
    let mut blocks: Vec<&'a Block> = vec![block];
    let mut ignored: Vec<&'a Expr> = Vec::new();
    while let Some(b) = blocks.pop() {
        for stmt in b {
            f(stmt);
            stmt_parts(&stmt.kind, &mut blocks, &mut ignored);
            ignored.clear();
        }
    }
}

/// Every closure directly inside `block` (not nested in another closure).
pub fn direct_closures(block: &Block) -> Vec<&crate::facts::Closure> {
    let mut out = Vec::new();
    each_expr(block, false, &mut |e| {
        if let ExprKind::Closure(c) = &e.kind {
            out.push(&**c);
        }
    });
    out
}

/// How deeply statements and expressions nest in `block` (closure bodies included), or
/// `None` once it passes `limit` (the walk stops there).
pub fn depth_within(block: &Block, limit: usize) -> Option<usize> {
    enum Item<'a> {
        Block(&'a Block),
        Expr(&'a Expr),
    }
    let mut deepest = 0;
    let mut stack = vec![(Item::Block(block), 0usize)];
    let mut blocks: Vec<&Block> = Vec::new();
    let mut exprs: Vec<&Expr> = Vec::new();
    while let Some((item, depth)) = stack.pop() {
        if depth > limit {
            return None;
        }
        deepest = deepest.max(depth);
        match item {
            Item::Block(b) => {
                for stmt in b {
                    stmt_parts(&stmt.kind, &mut blocks, &mut exprs);
                }
            }
            Item::Expr(e) => {
                if let ExprKind::Closure(c) = &e.kind {
                    blocks.push(&c.body);
                }
                push_children(e, &mut exprs);
            }
        }
        stack.extend(blocks.drain(..).map(|b| (Item::Block(b), depth + 1)));
        stack.extend(exprs.drain(..).map(|e| (Item::Expr(e), depth + 1)));
    }
    Some(deepest)
}
