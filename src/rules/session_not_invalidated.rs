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
                file: id.file,
                span: site.span,
                message: format!("{} is never invalidated: {tail}", describe(site)),
                related: Vec::new(),
            });
        }
    }
}
