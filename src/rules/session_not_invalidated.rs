//! SL001 `session-not-invalidated`.
//!
//! ## What it does
//! Reports a session created in a body that no path invalidates or hands to an owner.
//!
//! ## Why is this bad?
//! The system keeps an uninvalidated session, its delegate and its connections alive until
//! the process exits; a function that makes one per call leaks one per call.

use super::{describe, Diagnostic};
use crate::analyze::ProjectAnalysis;

pub fn check(cx: &ProjectAnalysis, out: &mut Vec<Diagnostic>) {
    for (id, body) in cx.each_body() {
        for (c, site) in body.creations.iter().enumerate() {
            let leaks = body.leaks.iter().any(|l| l.creation == c);
            if !leaks || body.invalidated_somewhere[c] || body.escaped_somewhere[c] {
                continue;
            }
            let per_iteration = site.in_loop
                || body
                    .leaks
                    .iter()
                    .any(|l| l.creation == c && l.per_iteration);
            let tail = if per_iteration {
                "it leaks an open connection once per iteration of the loop"
            } else {
                "its connections and delegate stay alive until the process exits"
            };
            out.push(Diagnostic {
                rule: "SL001",
                fix: finish_at_scope_end(cx, id, site),
                file: id.file,
                span: site.span,
                message: format!("{} is never invalidated: {tail}", describe(site)),
                related: Vec::new(),
            });
        }
    }
}

/// Invalidates the session when its scope ends, with `finishTasksAndInvalidate` (its tasks
/// still complete). Safe when no closure names the session: nothing can use it after the
/// scope. A closure that does may start tasks later, which would fail: then unsafe.
fn finish_at_scope_end(
    cx: &ProjectAnalysis,
    id: crate::project::FnId,
    site: &crate::analyze::flow::CreationSite,
) -> Option<crate::fix::Fix> {
    use crate::facts::FunctionKind;
    let f = cx.project.function(id);
    // Top-level code and property initialisers have no scope that ends.
    if matches!(
        f.kind,
        FunctionKind::GlobalInitializer | FunctionKind::PropertyInitializer
    ) {
        return None;
    }
    let session = site.binding.as_ref()?;
    let scope = crate::fix::locate::creation_scope(&f.body, session, site.span)?;
    Some(crate::fix::Fix {
        title: format!("Invalidate `{session}` when its scope ends (`finishTasksAndInvalidate`)"),
        applicability: if scope.captured {
            crate::fix::Applicability::Unsafe
        } else {
            crate::fix::Applicability::Safe
        },
        edits: vec![crate::fix::Edit::FinishAtScopeEnd {
            session: session.clone(),
            creation: scope.creation,
            last: scope.last,
            leaves_early: scope.leaves_early,
        }],
    })
}
