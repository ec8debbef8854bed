//! SL007 `task-on-invalidated-session`.
//!
//! ## What it does
//! Reports a task created on a session after it was invalidated on that path.
//!
//! ## Why is this bad?
//! Creating a task on an invalidated session raises an Objective-C exception: a crash.

use super::Diagnostic;
use crate::analyze::ProjectAnalysis;
use crate::rules::diagnostic::Related;

pub fn check(cx: &ProjectAnalysis, out: &mut Vec<Diagnostic>) {
    for (id, body) in cx.each_body() {
        for &(task, invalidated) in &body.tasks_after_invalidation {
            let line = cx.project.line_of(id.file, invalidated.start);
            out.push(Diagnostic {
                rule: "SL007",
                fix: None,
                file: id.file,
                span: task,
                message: format!(
                    "task created on a session that was invalidated at line {line}: this raises an exception at run time"
                ),
                related: vec![Related {
                    file: id.file,
                    span: invalidated,
                    message: "the session is invalidated here".into(),
                }],
            });
        }
    }
}
