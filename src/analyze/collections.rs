//! Collections of sessions: where a type invalidates the elements of a member collection
//! (`for s in sessions { s.invalidateAndCancel() }`, `sessions.values.forEach { ... }`,
//! `[_sessions makeObjectsPerformSelector:@selector(invalidateAndCancel)]`).

use crate::facts::api::{classify_method, visits_each_element, Api};
use crate::facts::{walk, Block, Expr, ExprKind, Function, Name, Span, StmtKind};

/// (member, invalidation) for every collection member whose elements `f` invalidates.
/// `is_member` tells a member of `f`'s owner from a local of the same name.
pub fn element_invalidations(f: &Function, is_member: &dyn Fn(&Name) -> bool) -> Vec<(Name, Span)> {
    let mut out = Vec::new();
    walk::each_stmt(&f.body, &mut |stmt| {
        let StmtKind::Loop { header, body, .. } = &stmt.kind else {
            return;
        };
        let Some(at) = invalidation_in(body) else {
            return;
        };
        for s in header {
            if let StmtKind::Eval(e) = &s.kind {
                if let Some(m) = root_member(e).filter(|m| is_member(m)) {
                    out.push((m, at));
                }
            }
        }
    });
    walk::each_expr(&f.body, true, &mut |e| {
        let ExprKind::Call {
            receiver: Some(receiver),
            method,
            args,
            method_span,
            ..
        } = &e.kind
        else {
            return;
        };
        if !visits_each_element(method) {
            return;
        }
        let Some(m) = root_member(receiver).filter(|m| is_member(m)) else {
            return;
        };
        let invalidates = args.iter().any(|a| {
            let mut found = false;
            walk::each_in_expr(&a.value, &mut |inner| found |= mentions_invalidation(inner));
            found
        });
        if invalidates {
            out.push((m, *method_span));
        }
    });
    out
}

/// The first invalidation call in a block (closures included).
fn invalidation_in(block: &Block) -> Option<Span> {
    let mut at = None;
    walk::each_expr(block, true, &mut |e| {
        if let ExprKind::Call {
            api: Api::Invalidate { .. },
            method_span,
            ..
        } = &e.kind
        {
            at.get_or_insert(*method_span);
        }
    });
    at
}

/// An invalidation call, or a name of one (a selector, a method reference).
fn mentions_invalidation(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { api, .. } => matches!(api, Api::Invalidate { .. }),
        ExprKind::Selector(method) => matches!(classify_method(method), Api::Invalidate { .. }),
        ExprKind::Name(n) | ExprKind::Member { name: n, .. } => {
            matches!(
                n.as_str(),
                "invalidateAndCancel" | "finishTasksAndInvalidate"
            )
        }
        _ => false,
    }
}

/// The member a collection expression starts from: `sessions`, `self.sessions.values`,
/// `_sessions.allValues`, `self.sessions.iter()`, `self.sessions.drain(..)`.
fn root_member(e: &Expr) -> Option<Name> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Member { base, name } => match base.kind {
            ExprKind::SelfRef => Some(name.clone()),
            _ => root_member(base),
        },
        ExprKind::Call {
            receiver: Some(r), ..
        } => root_member(r),
        ExprKind::Try { inner, .. } => root_member(inner),
        _ => None,
    }
}
