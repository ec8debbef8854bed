//! The analysis layer: a CFG per body and the session dataflow over it, function
//! summaries to a project-wide fixpoint, and owner facts. Rules ask it questions; they
//! never walk a CFG or look at syntax.

pub mod cfg;
pub mod flow;
pub mod owners;
pub mod summary;
pub mod walk;

#[cfg(test)]
mod tests;

use crate::facts::Name;
use crate::project::{FnId, Project};
use crate::rules::diagnostic::Diagnostic;
use flow::BodyAnalysis;
use owners::{KnownHolds, MemberFacts};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The project's analysis: what rules read.
pub struct ProjectAnalysis<'p> {
    pub project: &'p Project,
    /// Every analysed function, in file order (closures inside, see [`BodyAnalysis::all`]).
    pub bodies: Vec<(FnId, BodyAnalysis)>,
    /// Per (type, member) that receives sessions.
    pub members: BTreeMap<(Name, Name), MemberFacts>,
}

impl ProjectAnalysis<'_> {
    /// Every body (functions and their closures) with its function id.
    pub fn each_body(&self) -> impl Iterator<Item = (FnId, &BodyAnalysis)> {
        self.bodies
            .iter()
            .flat_map(|(id, a)| a.all().into_iter().map(move |b| (*id, b)))
    }
}

/// Analyses the project.
pub fn analyze(project: &Project) -> ProjectAnalysis<'_> {
    let known = KnownHolds::compute(project);
    let run = |summaries: &summary::Summaries, id: FnId| {
        let f = project.function(id);
        let entry = |m: &str| known.entry(project, f, m);
        summary::analyze_function(project, summaries, id, &entry)
    };
    let summaries = summary::compute(project, &run);
    let interesting = summaries.interesting_names(project);
    let ids: Vec<FnId> = project
        .function_ids()
        .filter(|id| !project.facts[id.file].declarations_only)
        .collect();
    let bodies: Vec<(FnId, BodyAnalysis)> = ids
        .into_par_iter()
        .filter(|&id| flow::is_relevant(&project.function(id).body, &|n| interesting.contains(n)))
        .map(|id| (id, run(&summaries, id)))
        .collect();
    let members = owners::collect(project, &bodies);
    ProjectAnalysis {
        project,
        bodies,
        members,
    }
}

/// Runs every rule over the project.
pub fn check_project(project: &Project) -> Vec<Diagnostic> {
    let analysis = analyze(project);
    let mut out = Vec::new();
    for rule in crate::rules::CHECKS {
        (rule.check)(&analysis, &mut out);
    }
    // Nothing is reported from code the parser could not read.
    out.retain(|d| {
        !project.facts[d.file]
            .problems
            .iter()
            .any(|p| p.span.contains(d.span))
    });
    out
}
