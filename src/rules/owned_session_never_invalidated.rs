//! SL003 `owned-session-never-invalidated`.
//!
//! ## What it does
//! Reports a session stored in an instance member that no code of the owning type (in any
//! fragment, in any file) invalidates, directly, through an alias or through a helper.
//!
//! ## Why is this bad?
//! Every instance of the owner leaks its session, delegate and connections.

use super::Diagnostic;
use crate::analyze::ProjectAnalysis;

pub fn check(cx: &ProjectAnalysis, out: &mut Vec<Diagnostic>) {
    for ((owner, member), facts) in &cx.members {
        if !facts.invalidations.is_empty()
            || facts.escapes
            || ended_by_sharer(cx, facts)
            || !super::judged_owner(cx.project, owner, member)
            || cx.project.member(owner, member).is_some_and(|m| m.is_weak)
        {
            continue;
        }
        let each = if cx.project.shared_and_more.contains(owner) {
            "its shared instance is fine, but every other instance leaks it"
        } else {
            "each instance leaks it"
        };
        for store in &facts.stores {
            out.push(Diagnostic {
                rule: "SL003",
                fix: None,
                file: store.function.file,
                span: store.site.span,
                message: format!(
                    "the session stored in `{owner}.{member}` is never invalidated by `{owner}`: {each}"
                ),
                related: Vec::new(),
            });
        }
    }
}

/// The owner also hands its session to another object that ends it in a teardown something
/// calls (not only in that object's own deinit, which runs only once the owner lets go).
fn ended_by_sharer(cx: &ProjectAnalysis, facts: &crate::analyze::owners::MemberFacts) -> bool {
    facts.shared_into.iter().any(|key| {
        cx.members
            .get(key)
            .is_some_and(|f| f.invalidated_reachably())
    })
}
