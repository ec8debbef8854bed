//! SL004 `invalidate-in-deinit-with-delegate-cycle`.
//!
//! ## What it does
//! Reports a session whose delegate is its owner when the owner invalidates it only in
//! `deinit` / `-dealloc` / `Drop` (or in helpers only those call).
//!
//! ## Why is this bad?
//! The session retains its delegate until invalidated: owner → session → owner is a cycle,
//! so the deinit never runs and the invalidation inside it never happens.

use super::Diagnostic;
use crate::analyze::ProjectAnalysis;
use crate::rules::diagnostic::Related;

pub fn check(cx: &ProjectAnalysis, out: &mut Vec<Diagnostic>) {
    for ((owner, member), facts) in &cx.members {
        let only_in_deinit = !facts.invalidations.is_empty()
            && facts.invalidations.iter().all(|(_, _, deinit)| *deinit);
        if !only_in_deinit || !super::judged_owner(cx.project, owner, member) {
            continue;
        }
        let Some(&(deinit_fn, _, _)) = facts.invalidations.first() else {
            continue;
        };
        for store in &facts.stores {
            let Some(delegate) = store.site.creation.as_ref().and_then(|c| c.delegate_self) else {
                continue;
            };
            let deinit = cx.project.function(deinit_fn);
            out.push(Diagnostic {
                rule: "SL004",
                fix: None,
                file: store.function.file,
                span: store.site.span,
                message: format!(
                    "`{owner}` is the delegate of the session in `{member}` and invalidates it only when deinitialised, which the retain cycle prevents"
                ),
                related: vec![
                    Related {
                        file: store.function.file,
                        span: delegate,
                        message: "the session retains its owner as delegate here".into(),
                    },
                    Related {
                        file: deinit_fn.file,
                        span: deinit.name_span,
                        message: "this never runs while the session is valid".into(),
                    },
                ],
            });
        }
    }
}
