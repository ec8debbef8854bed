//! SL006 `invalidate-shared-session`.
//!
//! ## What it does
//! Reports `invalidateAndCancel` / `finishTasksAndInvalidate` on the shared session.
//!
//! ## Why is this bad?
//! It has no effect on Apple platforms (and can break the shared session on Linux): the
//! code believes it closes something it does not.

use super::Diagnostic;
use crate::analyze::ProjectAnalysis;

pub fn check(cx: &ProjectAnalysis, out: &mut Vec<Diagnostic>) {
    for (id, body) in cx.each_body() {
        for &span in &body.shared_invalidations {
            out.push(Diagnostic {
                rule: "SL006",
                fix: remove_call(cx, id, span),
                file: id.file,
                span,
                message: "invalidating the shared session has no effect".into(),
                related: Vec::new(),
            });
        }
    }
}

/// Removing the call changes nothing on Apple platforms (where it has no effect) and stops
/// breaking the shared session elsewhere: safe, when the call is a statement of its own.
fn remove_call(
    cx: &ProjectAnalysis,
    id: crate::project::FnId,
    call: crate::facts::Span,
) -> Option<crate::fix::Fix> {
    let body = &cx.project.function(id).body;
    let statement = crate::fix::locate::lone_call_statement(body, call)?;
    Some(crate::fix::Fix {
        title: "Remove the call: invalidating the shared session does nothing".into(),
        applicability: crate::fix::Applicability::Safe,
        edits: vec![crate::fix::Edit::DeleteStatement(statement)],
    })
}
