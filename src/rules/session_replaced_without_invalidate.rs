//! SL005 `session-replaced-without-invalidate`.
//!
//! ## What it does
//! Reports an assignment of a new session to a member known to hold a valid session on
//! that path (initialised at its declaration or in the initializer, or assigned earlier).
//!
//! ## Why is this bad?
//! Overwriting drops the app's reference, not the session: the old one leaks with its
//! delegate and connections, once per call of the replacing method.

use super::Diagnostic;
use crate::analyze::ProjectAnalysis;

pub fn check(cx: &ProjectAnalysis, out: &mut Vec<Diagnostic>) {
    for (id, body) in cx.each_body() {
        for store in body.member_stores.iter().filter(|s| s.replaces_valid) {
            if !super::judged_owner(cx.project, &store.owner, &store.member) {
                continue;
            }
            out.push(Diagnostic {
                rule: "SL005",
                fix: None,
                file: id.file,
                span: store.span,
                message: format!(
                    "assigning a new session to `{}` drops the old one without invalidating it",
                    store.member
                ),
                related: Vec::new(),
            });
        }
    }
}
