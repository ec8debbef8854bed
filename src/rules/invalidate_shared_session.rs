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
                file: id.file,
                span,
                message: "invalidating the shared session has no effect".into(),
                related: Vec::new(),
            });
        }
    }
}
