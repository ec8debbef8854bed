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
use std::collections::{BTreeSet, HashMap, HashSet};

/// What a call of a function does to sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Callee {
    pub returns_new: bool,
    pub invalidates_params: BTreeSet<usize>,
    /// Members of the function's own type that it invalidates.
    pub invalidates_members: BTreeSet<Name>,
    /// Configured releasers invalidate whatever they are given.
    pub releases_all_args: bool,
    /// Parameters it hands to code the analysis cannot follow.
    pub keeps_params: BTreeSet<usize>,
    /// Parameters it stores into a member: (parameter, owning type, member).
    pub stores_params: BTreeSet<(usize, Name, Name)>,
}

/// Which code elsewhere a function's summary makes matter, besides its namesakes (which
/// change how its calls resolve).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Matters {
    /// Every call: a caller gets a new session from it.
    pub callers: bool,
    /// Calls on `self`: they invalidate the caller's members.
    pub self_callers: bool,
    /// A configured releaser: whatever it is given, however the call resolved.
    pub configured: bool,
    /// It invalidates what some parameter holds.
    pub invalidates_params: bool,
}

/// How a function's summary changed when it was merged with a new analysis.
#[derive(Clone, Copy, Default)]
struct Growth {
    any: bool,
    /// Beyond the parameters it keeps: only then can a caller never analysed gain a
    /// summary (see `Callee::acts_beyond_keeping`).
    beyond_keeping: bool,
}

impl Callee {
    /// Does a call of it differ from one the analysis cannot resolve, for a caller that is
    /// not followed itself? Keeping a parameter is what an unresolved call does to every
    /// argument, so a summary that only keeps makes no caller a factory, a releaser or a
    /// store, and no body that calls it relevant. (A followed caller reads the summary all
    /// the same, and is analysed again when it grows.)
    fn acts_beyond_keeping(&self) -> bool {
        let Callee {
            returns_new,
            invalidates_params,
            invalidates_members,
            releases_all_args,
            keeps_params: _,
            stores_params,
        } = self;
        *returns_new
            || *releases_all_args
            || !invalidates_params.is_empty()
            || !invalidates_members.is_empty()
            || !stores_params.is_empty()
    }

    fn merge(&mut self, other: &Callee) -> Growth {
        let before = self.clone();
        self.returns_new |= other.returns_new;
        self.invalidates_params
            .extend(other.invalidates_params.iter().copied());
        self.invalidates_members
            .extend(other.invalidates_members.iter().cloned());
        self.releases_all_args |= other.releases_all_args;
        self.keeps_params.extend(other.keeps_params.iter().copied());
        self.stores_params
            .extend(other.stores_params.iter().cloned());
        let any = *self != before;
        Growth {
            any,
            beyond_keeping: any && {
                let mut kept_aside = self.clone();
                kept_aside.keeps_params = before.keeps_params.clone();
                kept_aside != before
            },
        }
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
    /// The functions the fixpoint analyses: what they do with a parameter is known (one
    /// never analysed may keep whatever it is given).
    analysed: HashSet<FnId>,
    configured: Vec<Configured>,
    empty: Callee,
}

impl Summaries {
    pub fn get(&self, id: FnId) -> &Callee {
        self.map.get(&id).unwrap_or(&self.empty)
    }

    /// The fixpoint analyses `id`: a parameter it neither keeps, stores nor invalidates is
    /// only used (optimistic until its summary says otherwise; summaries only grow).
    pub fn analysed(&self, id: FnId) -> bool {
        self.analysed.contains(&id)
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

    /// The functions whose summary makes a call of them differ from a call the analysis
    /// cannot resolve (which lets every argument escape), in id order: those that make or
    /// invalidate sessions, and those the fixpoint analysed (`flow` follows only those
    /// calls) unless they keep every parameter, which is what an unresolved call does.
    /// Following a call whose callee keeps *nothing* matters as much as one that stores:
    /// the caller's session stays the caller's. Following a function no call can hand a
    /// session (`reached`) changes nothing.
    pub fn matter_to_callers(
        &self,
        project: &Project,
        reached: impl Fn(FnId) -> bool,
    ) -> Vec<(FnId, Matters)> {
        let ids = self.map.keys().chain(self.analysed.iter());
        let mut ids: Vec<FnId> = ids.copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let ids: Vec<(FnId, Matters)> = ids
            .into_iter()
            .filter(|&id| {
                let c = self.get(id);
                let acts = c.returns_new
                    || c.releases_all_args
                    || !c.invalidates_params.is_empty()
                    || !c.invalidates_members.is_empty();
                let params = project.function(id).params.len();
                let keeps_all =
                    c.stores_params.is_empty() && (0..params).all(|i| c.keeps_params.contains(&i));
                let followed = self.analysed(id) && !keeps_all && reached(id);
                acts || followed
            })
            .map(|id| {
                let c = self.get(id);
                let matters = Matters {
                    callers: c.returns_new,
                    self_callers: !c.invalidates_members.is_empty(),
                    configured: c.releases_all_args,
                    invalidates_params: !c.invalidates_params.is_empty(),
                };
                (id, matters)
            })
            .collect();
        ids
    }

    /// Names of functions whose calls matter (non-empty summaries), for relevance checks.
    pub fn interesting_names(&self, project: &Project) -> BTreeSet<Name> {
        let mut names: BTreeSet<Name> = self
            .map
            .iter()
            .filter(|(_, c)| c.acts_beyond_keeping())
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
    // Only the function's own body: a closure's parameters are its own.
    let mut c = Callee {
        returns_new: a.returns_new,
        invalidates_params: a.invalidates_params.clone(),
        keeps_params: a.escapes_params.clone(),
        stores_params: a.stores_params.clone(),
        ..Callee::default()
    };
    for body in a.all() {
        c.invalidates_members
            .extend(body.member_invalidations.iter().map(|(m, _)| m.clone()));
    }
    c
}

/// Every function's summary, and the last analysis of each function the fixpoint ran,
/// computed with the final summaries (a later pass can take it instead of running again).
pub struct Computed {
    pub summaries: Summaries,
    pub analyses: HashMap<FnId, BodyAnalysis>,
}

/// Computes every function's summary. `analyze_fn` runs the flow analysis of one function.
pub fn compute(
    project: &Project,
    analyze_fn: &(dyn Fn(&Summaries, FnId) -> BodyAnalysis + Sync),
) -> Computed {
    let mut summaries = Summaries {
        map: HashMap::new(),
        analysed: HashSet::new(),
        configured: configured(project),
        empty: Callee::default(),
    };
    let interesting = summaries.interesting_names(project);
    let interesting = NameSearch::new(interesting.iter().map(String::as_str));
    let ids: Vec<FnId> = project.function_ids().collect();
    let session_owners = session_owners(project);
    let mut dirty: Vec<FnId> = ids
        .par_iter()
        .copied()
        .filter(|&id| {
            project.mentions(id).relevant(&interesting)
                || stores_sessions(project, &session_owners, id)
        })
        .collect();
    summaries.analysed = dirty.iter().copied().collect();
    let mut analyses: HashMap<FnId, BodyAnalysis> = HashMap::new();
    // For each function, the analysed functions that read its summary.
    let mut readers: HashMap<FnId, HashSet<FnId>> = HashMap::new();
    // Each round re-analyses the callers of functions whose summary grew: those never
    // analysed yet (if the summary acts beyond keeping), and those whose last analysis read
    // a summary that grew (any other's analysis would come out the same).
    let mut rounds = 0usize;
    let limit = 64 + ids.len() * 4;
    while !dirty.is_empty() && rounds < limit {
        rounds += 1;
        let results: Vec<(FnId, BodyAnalysis)> = dirty
            .par_iter()
            .map(|&id| (id, analyze_fn(&summaries, id)))
            .collect();
        let mut grown_names = BTreeSet::new();
        let mut acting_names = BTreeSet::new();
        let mut grown = HashSet::new();
        for (id, analysis) in results {
            let slot = summaries.map.entry(id).or_default();
            let growth = slot.merge(&summary_of(&analysis));
            if growth.any {
                grown_names.insert(project.function(id).name.as_str());
                grown.insert(id);
            }
            if growth.beyond_keeping {
                acting_names.insert(project.function(id).name.as_str());
            }
            for body in analysis.all() {
                for &read in &body.summaries_read {
                    readers.entry(read).or_default().insert(id);
                }
            }
            analyses.insert(id, analysis);
        }
        let stale: HashSet<FnId> = grown
            .iter()
            .filter_map(|id| readers.get(id))
            .flatten()
            .copied()
            .collect();
        // A caller never analysed gains a summary only from a callee that acts; one that
        // read a grown summary may come out otherwise now.
        let never_analysed: Vec<FnId> = ids
            .iter()
            .copied()
            .filter(|id| !analyses.contains_key(id))
            .collect();
        dirty = callers_of(project, &never_analysed, &acting_names);
        if !stale.is_empty() {
            // Only the stale can be redone: asking them alone, not the whole project.
            let stale: Vec<FnId> = stale.iter().copied().collect();
            dirty.extend(callers_of(project, &stale, &grown_names));
            dirty.sort_unstable();
            dirty.dedup();
        }
        // A stale analysis the fixpoint does not redo (its body does not name the grown
        // function: a delegate callback's summary, read by the creation) is not kept.
        for id in &stale {
            analyses.remove(id);
        }
    }
    // Past the limit, what is left to do is stale.
    for id in &dirty {
        analyses.remove(id);
    }
    Computed {
        summaries,
        analyses,
    }
}

/// Types with a member declared as a session: their initializers and methods may store a
/// session they are given (what they do with it is summarised for their callers).
fn session_owners(project: &Project) -> HashSet<&str> {
    project
        .facts
        .iter()
        .flat_map(|ff| &ff.types)
        .filter(|t| t.members.iter().any(|m| m.declared_session && !m.is_static))
        .map(|t| t.name.as_str())
        .collect()
}

/// An initializer with parameters (members are often declared as a protocol a session
/// conforms to), a static method with parameters that builds its own type (Rust's `new`,
/// a Swift factory), or a method with parameters of a type that holds sessions.
fn stores_sessions(project: &Project, owners: &HashSet<&str>, id: FnId) -> bool {
    use crate::facts::FunctionKind;
    let f = project.function(id);
    let Some(owner) = f.owner.as_deref() else {
        return false;
    };
    !f.params.is_empty()
        && match f.kind {
            FunctionKind::Initializer => true,
            FunctionKind::StaticMethod => project
                .mentions(id)
                .names
                .iter()
                .any(|n| n == owner || n == "Self"),
            FunctionKind::Method => owners.contains(owner),
            _ => false,
        }
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
        is_closure: false,
    };
    flow::analyze(project, summaries, &body, member_entry)
}
