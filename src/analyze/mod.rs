//! The analysis layer: a CFG per body and the session dataflow over it, function
//! summaries to a project-wide fixpoint, and owner facts. Rules ask it questions; they
//! never walk a CFG or look at syntax.

pub mod cfg;
pub mod collections;
pub mod flow;
pub mod mentions;
pub mod owners;
pub mod reason;
pub mod relevance;
pub mod summary;
/// The traversals live with the facts they walk; analyses reach them here too.
pub use crate::facts::walk;

#[cfg(test)]
mod tests;

use crate::facts::Name;
use crate::project::{FnId, Project};
use flow::BodyAnalysis;
use owners::{KnownHolds, MemberFacts};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The project's analysis: what rules read.
pub struct ProjectAnalysis<'p> {
    pub project: &'p Project,
    /// Every analysed function, in file order (closures inside, see [`BodyAnalysis::all`]).
    pub bodies: Vec<(FnId, BodyAnalysis)>,
    /// Per (type, member) that receives sessions.
    pub members: BTreeMap<(Name, Name), MemberFacts>,
    /// Files where analysing a function failed (an internal error, caught): (file, message).
    pub failures: Vec<(usize, String)>,
    /// Names of the functions whose calls matter (non-empty summaries, configured ones).
    pub interesting: std::collections::BTreeSet<Name>,
    /// The functions whose summary changes what their calls do, in id order
    /// ([`summary::Summaries::matter_to_callers`]).
    pub summarised: Vec<(FnId, summary::Matters)>,
    /// Who some call may hand a session ([`relevance::reached`]).
    pub reached: relevance::Reached,
    /// Functions the summary fixpoint analysed that no rule reads (they name nothing that
    /// matters to a finding), for the prefilter's demand: what they store and hand on.
    pub summarised_only: Vec<(FnId, BodyAnalysis)>,
}

impl ProjectAnalysis<'_> {
    /// Every body (functions and their closures) with its function id.
    pub fn each_body(&self) -> impl Iterator<Item = (FnId, &BodyAnalysis)> {
        self.bodies
            .iter()
            .flat_map(|(id, a)| a.all().into_iter().map(move |b| (*id, b)))
    }
}

/// Bodies whose facts nest deeper than this are not analysed (front-ends flatten code nested
/// beyond about 1,000 levels into opaque facts, so real code never gets here).
pub const MAX_FACT_DEPTH: usize = 20_000;

/// Analyses the project.
pub fn analyze(project: &Project) -> ProjectAnalysis<'_> {
    let known = KnownHolds::compute(project);
    let failures = Mutex::new(BTreeMap::new());
    // A panic while analysing one function is caught here: it is reported against its file
    // and every other function is still analysed.
    let run = |summaries: &summary::Summaries, id: FnId| {
        let f = project.function(id);
        let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // How deep the body nests was measured when it was lowered (the fixpoint may
            // analyse a function many times; walking it each time cost 2% of a run).
            if project.mentions(id).depth > MAX_FACT_DEPTH {
                // Deeper than any front-end emits: analysing it could exhaust the stack.
                // Skipped, and said so: silence is not claimed to be a verdict.
                return Err(format!(
                    "`{}` nests deeper than {MAX_FACT_DEPTH} levels and was not analysed",
                    f.name
                ));
            }
            let entry = |m: &str| known.entry(project, f, m);
            Ok(summary::analyze_function(project, summaries, id, &entry))
        }))
        .unwrap_or_else(|panic| {
            let what = crate::isolate::panic_message(&*panic);
            Err(format!(
                "internal error while analysing `{}` (please report it): {what}",
                f.name
            ))
        });
        analysed.unwrap_or_else(|message| {
            let mut failed = failures.lock().unwrap_or_else(|e| e.into_inner());
            failed.entry(id.file).or_insert(message);
            BodyAnalysis::default()
        })
    };
    let summary::Computed {
        summaries,
        mut analyses,
    } = summary::compute(project, &run);
    let interesting_names = summaries.interesting_names(project);
    let interesting = mentions::NameSearch::new(interesting_names.iter().map(String::as_str));
    // A method that only names its own type's member that may hold a session: analysed too.
    let held = known.session_members(project, analyses.values());
    let names_held_member = |id: FnId| {
        let f = project.function(id);
        f.owner
            .as_deref()
            .and_then(|o| held.get(o))
            .is_some_and(|members| members.any_in(&project.mentions(id).names))
    };
    let ids: Vec<FnId> = project
        .function_ids()
        .filter(|id| !project.facts[id.file].declarations_only)
        .collect();
    let wanted: Vec<FnId> = ids
        .into_par_iter()
        .filter(|&id| project.mentions(id).relevant(&interesting) || names_held_member(id))
        .collect();
    // The fixpoint's last analysis of a function is what running it again would give.
    let mut bodies: Vec<(FnId, Option<BodyAnalysis>)> = wanted
        .into_iter()
        .map(|id| (id, analyses.remove(&id)))
        .collect();
    // The rest were analysed for their summaries only: no rule reads them, but what they
    // store and hand on is part of the prefilter's demand.
    let mut summarised_only: Vec<(FnId, BodyAnalysis)> = analyses.into_iter().collect();
    summarised_only.sort_unstable_by_key(|(id, _)| *id);
    bodies
        .par_iter_mut()
        .filter(|(_, done)| done.is_none())
        .for_each(|(id, done)| *done = Some(run(&summaries, *id)));
    let bodies: Vec<(FnId, BodyAnalysis)> = bodies
        .into_iter()
        .map(|(id, done)| (id, done.unwrap_or_default()))
        .collect();
    let members = owners::collect(project, &bodies);
    let failures = failures
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect();
    let reached = relevance::reached(
        bodies
            .iter()
            .chain(&summarised_only)
            .flat_map(|(id, a)| a.all().into_iter().map(move |b| (*id, b))),
    );
    let summarised = summaries.matter_to_callers(project, |id| reached.any_param(id));
    ProjectAnalysis {
        project,
        bodies,
        members,
        failures,
        interesting: interesting_names,
        summarised,
        reached,
        summarised_only,
    }
}
