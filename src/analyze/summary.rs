//! Function summaries, computed to a fixpoint over the whole project.
//!
//! A *factory* returns a new session (its call sites are creations); a *releaser*
//! invalidates a parameter or a member of its type (a call of it is an invalidation).
//! Summaries only grow, so the worklist terminates, recursion included.

use super::flow::{self, Body, BodyAnalysis};
use super::mentions::NameSearch;
use crate::facts::{Expr, ExprKind, Function, Name};
use crate::project::{FnId, Project};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// What a call of a function does to sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Callee {
    pub returns_new: bool,
    pub invalidates_params: BTreeSet<usize>,
    /// Members of the function's own type that it invalidates.
    pub invalidates_members: BTreeSet<Name>,
    /// Configured releasers invalidate whatever they are given.
    pub releases_all_args: bool,
}

impl Callee {
    fn is_empty(&self) -> bool {
        *self == Callee::default()
    }

    fn merge(&mut self, other: &Callee) -> bool {
        let before = self.clone();
        self.returns_new |= other.returns_new;
        self.invalidates_params
            .extend(other.invalidates_params.iter().copied());
        self.invalidates_members
            .extend(other.invalidates_members.iter().cloned());
        self.releases_all_args |= other.releases_all_args;
        *self != before
    }
}

/// A configured factory or releaser: `Type.method` or `function`.
struct Configured {
    owner: Option<String>,
    name: String,
    callee: Callee,
}

pub struct Summaries {
    map: HashMap<FnId, Callee>,
    configured: Vec<Configured>,
    empty: Callee,
}

impl Summaries {
    pub fn get(&self, id: FnId) -> &Callee {
        self.map.get(&id).unwrap_or(&self.empty)
    }

    /// A configured summary matching a call the analysis could not resolve.
    pub fn configured(
        &self,
        caller: &Function,
        receiver: Option<&Expr>,
        method: &str,
    ) -> Option<&Callee> {
        let receiver_type = match receiver.map(|r| &r.kind) {
            Some(ExprKind::TypeRef(t)) => Some(t.as_str()),
            None | Some(ExprKind::SelfRef) => caller.owner.as_deref(),
            _ => None,
        };
        self.configured
            .iter()
            .find(|c| {
                c.name == method
                    && match (&c.owner, receiver_type, receiver) {
                        (None, _, None) => true,
                        (None, _, Some(_)) => false,
                        (Some(o), Some(t), _) => o == t,
                        // Unknown receiver type: the method name decides.
                        (Some(_), None, _) => true,
                    }
            })
            .map(|c| &c.callee)
    }

    /// The functions with a non-empty summary, in id order.
    pub fn non_empty(&self) -> Vec<FnId> {
        let mut ids: Vec<FnId> = self
            .map
            .iter()
            .filter(|(_, c)| !c.is_empty())
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Names of functions whose calls matter (non-empty summaries), for relevance checks.
    pub fn interesting_names(&self, project: &Project) -> BTreeSet<Name> {
        let mut names: BTreeSet<Name> = self
            .map
            .iter()
            .filter(|(_, c)| !c.is_empty())
            .map(|(id, _)| project.function(*id).name.clone())
            .collect();
        names.extend(self.configured.iter().map(|c| c.name.clone()));
        names
    }
}

fn configured(project: &Project) -> Vec<Configured> {
    let parse = |entry: &String, callee: Callee| {
        let (owner, name) = match entry.rsplit_once('.') {
            Some((o, n)) => (Some(o.to_string()), n.to_string()),
            None => (None, entry.clone()),
        };
        Configured {
            owner,
            name,
            callee,
        }
    };
    let factory = Callee {
        returns_new: true,
        ..Callee::default()
    };
    let releaser = Callee {
        releases_all_args: true,
        ..Callee::default()
    };
    let cfg = &project.config;
    cfg.factories
        .iter()
        .map(|f| parse(f, factory.clone()))
        .chain(cfg.releasers.iter().map(|r| parse(r, releaser.clone())))
        .collect()
}

/// The summary a body's analysis implies for its function.
fn summary_of(a: &BodyAnalysis) -> Callee {
    let mut c = Callee {
        returns_new: a.returns_new,
        invalidates_params: a.invalidates_params.clone(),
        ..Callee::default()
    };
    for body in a.all() {
        c.invalidates_members
            .extend(body.member_invalidations.iter().map(|(m, _)| m.clone()));
    }
    c
}

/// Computes every function's summary. `analyze_fn` runs the flow analysis of one function.
pub fn compute(
    project: &Project,
    analyze_fn: &(dyn Fn(&Summaries, FnId) -> BodyAnalysis + Sync),
) -> Summaries {
    let mut summaries = Summaries {
        map: HashMap::new(),
        configured: configured(project),
        empty: Callee::default(),
    };
    let interesting = summaries.interesting_names(project);
    let interesting = NameSearch::new(interesting.iter().map(String::as_str));
    let ids: Vec<FnId> = project.function_ids().collect();
    let mut dirty: Vec<FnId> = ids
        .par_iter()
        .copied()
        .filter(|&id| project.mentions(id).relevant(&interesting))
        .collect();
    // Each round re-analyses only the callers of functions whose summary grew.
    let mut rounds = 0usize;
    let limit = 64 + ids.len() * 4;
    while !dirty.is_empty() && rounds < limit {
        rounds += 1;
        let results: Vec<(FnId, Callee)> = dirty
            .par_iter()
            .map(|&id| (id, summary_of(&analyze_fn(&summaries, id))))
            .collect();
        let mut grown = BTreeSet::new();
        for (id, callee) in results {
            let slot = summaries.map.entry(id).or_default();
            if slot.merge(&callee) {
                grown.insert(project.function(id).name.as_str());
            }
        }
        dirty = callers_of(project, &ids, &grown);
    }
    summaries
}

/// The functions that call or read any of `names` (a call of `f`, a member `f`), in order.
/// Few names grow per round, so scanning what every function mentions is cheaper than
/// indexing every name of the project up front.
fn callers_of(project: &Project, ids: &[FnId], names: &BTreeSet<&str>) -> Vec<FnId> {
    if names.is_empty() {
        return Vec::new();
    }
    let search = NameSearch::new(names.iter().copied());
    ids.par_iter()
        .copied()
        .filter(|&id| search.any_in(&project.mentions(id).names))
        .collect()
}

/// Runs the flow analysis of one whole function.
pub fn analyze_function(
    project: &Project,
    summaries: &Summaries,
    id: FnId,
    member_entry: flow::MemberEntry<'_>,
) -> BodyAnalysis {
    let f = project.function(id);
    let body = Body {
        function: f,
        block: &f.body,
        params: &f.params,
        outer: BTreeSet::new(),
    };
    flow::analyze(project, summaries, &body, member_entry)
}
