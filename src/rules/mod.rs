//! Rules: one file each. A rule's words live in `rules/<ID>.toml`, its logic here.
//!
//! A rule reads the [`ProjectAnalysis`] and pushes [`Diagnostic`]s; it never sees syntax.

pub mod diagnostic;
pub mod explain;
pub mod registry;

mod invalidate_in_deinit_with_delegate_cycle;
mod invalidate_shared_session;
mod owned_session_never_invalidated;
mod session_invalidated_on_some_paths;
mod session_not_invalidated;
mod session_replaced_without_invalidate;
mod task_on_invalidated_session;

use crate::analyze::flow::CreationSite;
use crate::analyze::ProjectAnalysis;
use diagnostic::Diagnostic;

/// A rule's code, by id.
pub struct Check {
    pub id: &'static str,
    pub check: fn(&ProjectAnalysis, &mut Vec<Diagnostic>),
}

pub const CHECKS: &[Check] = &[
    Check {
        id: "SL001",
        check: session_not_invalidated::check,
    },
    Check {
        id: "SL002",
        check: session_invalidated_on_some_paths::check,
    },
    Check {
        id: "SL003",
        check: owned_session_never_invalidated::check,
    },
    Check {
        id: "SL004",
        check: invalidate_in_deinit_with_delegate_cycle::check,
    },
    Check {
        id: "SL005",
        check: session_replaced_without_invalidate::check,
    },
    Check {
        id: "SL006",
        check: invalidate_shared_session::check,
    },
    Check {
        id: "SL007",
        check: task_on_invalidated_session::check,
    },
];

/// The diagnostics of a project, and the files whose analysis failed.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub failures: Vec<(usize, String)>,
    /// The creation sites asked about (`--explain`), with why each is reported or silent.
    pub explanations: Vec<crate::rules::explain::Explanation>,
}

/// Analyses the project and runs every rule over it.
pub fn check_project(project: &crate::project::Project) -> Checked {
    check(&crate::analyze::analyze(project), None)
}

/// Runs every rule over an analysis, also explaining the creation sites on the line
/// `query` names.
pub fn check(
    analysis: &ProjectAnalysis<'_>,
    query: Option<crate::rules::explain::Query>,
) -> Checked {
    let mut out = Vec::new();
    for rule in CHECKS {
        (rule.check)(analysis, &mut out);
    }
    let explanations = query
        .map(|q| crate::rules::explain::explain(analysis, &out, q))
        .unwrap_or_default();
    Checked {
        diagnostics: out,
        failures: analysis.failures.clone(),
        explanations,
    }
}

/// How a message names a created session: by its binding, its factory, or "this session".
pub(crate) fn describe(site: &CreationSite) -> String {
    match (&site.binding, &site.factory) {
        (Some(b), _) => format!("session `{b}`"),
        (None, Some(f)) => format!("the session returned by `{f}`"),
        (None, None) => "this session".to_string(),
    }
}

/// Owner rules (SL003-SL005) judge `owner.member` only when the owner has more than one
/// instance, both names are known, and no region of the type the parser could not read
/// may touch the member (it could hold the invalidation).
fn judged_owner(project: &crate::project::Project, owner: &str, member: &str) -> bool {
    let ivar = format!("_{member}");
    let words = [
        member,
        ivar.as_str(),
        "invalidateAndCancel",
        "finishTasksAndInvalidate",
    ];
    !owner.is_empty()
        && !member.is_empty()
        && !project.process_lifetime.contains(owner)
        && !project.has_unreadable_parts(owner, &words)
}
