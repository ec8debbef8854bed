//! SL002 `session-invalidated-on-some-paths`.
//!
//! ## What it does
//! Reports a session that is invalidated (or handed to an owner) on some paths, while an
//! early exit, a `try`/`?` or a skipped branch leaves it live on another.
//!
//! ## Why is this bad?
//! The skipped path leaks the session exactly as if it were never invalidated, and error
//! paths are the ones tests rarely take.

use super::{describe, Diagnostic};
use crate::analyze::ProjectAnalysis;
use crate::rules::diagnostic::Related;

pub fn check(cx: &ProjectAnalysis, out: &mut Vec<Diagnostic>) {
    for (id, body) in cx.each_body() {
        for (c, site) in body.creations.iter().enumerate() {
            if !body.invalidated_somewhere[c] {
                continue;
            }
            // The leaking path with an explicit early exit explains best; the earliest wins.
            let Some(leak) = body
                .leaks
                .iter()
                .filter(|l| l.creation == c)
                .min_by_key(|l| (l.via.is_none(), l.via))
            else {
                continue;
            };
            let (message, related) = match leak.via {
                Some(exit) => {
                    let line = cx.project.line_of(id.file, exit.start);
                    (
                        format!(
                            "{} is not invalidated on the path that leaves at line {line}",
                            describe(site)
                        ),
                        vec![Related {
                            file: id.file,
                            span: exit,
                            message: "this exit skips the invalidation".into(),
                        }],
                    )
                }
                None => (
                    format!(
                        "{} is invalidated on some paths but not on all (a branch skips the call)",
                        describe(site)
                    ),
                    Vec::new(),
                ),
            };
            out.push(Diagnostic {
                rule: "SL002",
                fix: None,
                file: id.file,
                span: site.span,
                message,
                related,
            });
        }
    }
}
