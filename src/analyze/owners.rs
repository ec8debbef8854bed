//! Owners: what every type does with the sessions stored in its members, across all its
//! fragments and files. SL003, SL004 and SL005 read this.

use super::flow::{BodyAnalysis, CreationSite, HOLD_UNKNOWN, HOLD_VALID};
use crate::facts::{Expr, ExprKind, Function, FunctionKind, Name, Span};
use crate::project::{FnId, Project};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Members known to hold a session from construction on: initialised at their declaration
/// or in an initializer / constructor.
pub struct KnownHolds {
    /// (owner, member) → initialised at the declaration (not in an initializer).
    set: BTreeMap<(Name, Name), bool>,
}

impl KnownHolds {
    pub fn compute(project: &Project) -> KnownHolds {
        // Only a body that creates a session can store a new one.
        let ids: Vec<FnId> = project
            .function_ids()
            .filter(|&id| project.mentions(id).session_api)
            .collect();
        let found: Vec<((Name, Name), bool)> = ids
            .into_par_iter()
            .flat_map_iter(|id| known_holds_of(project.function(id)))
            .collect();
        let mut set = BTreeMap::new();
        for (key, at_declaration) in found {
            *set.entry(key).or_insert(false) |= at_declaration;
        }
        KnownHolds { set }
    }

    /// Per owner, a search for the names of its members that may hold a session: known to
    /// from construction, declared as sessions, or stored into by one of `analyses`. A
    /// method that names one may replace it (SL005), invalidate it or hand it on, whatever
    /// else it mentions, so the owner's verdict needs its analysis.
    pub fn session_members<'a>(
        &'a self,
        project: &'a Project,
        analyses: impl Iterator<Item = &'a BodyAnalysis>,
    ) -> BTreeMap<&'a str, super::mentions::NameSearch> {
        let mut by_owner: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (owner, member) in self.set.keys() {
            by_owner.entry(owner).or_default().insert(member);
        }
        for t in project.facts.iter().flat_map(|ff| &ff.types) {
            for m in t.members.iter().filter(|m| m.declared_session) {
                by_owner.entry(&t.name).or_default().insert(&m.name);
            }
        }
        for store in analyses
            .flat_map(|a| a.all())
            .flat_map(|b| &b.member_stores)
        {
            by_owner
                .entry(&store.owner)
                .or_default()
                .insert(&store.member);
        }
        by_owner
            .into_iter()
            .map(|(o, ms)| (o, super::mentions::NameSearch::new(ms)))
            .collect()
    }

    /// What member `m` of `f`'s owner may hold when `f` starts; `None` if it is not known
    /// to be a session member at all.
    pub fn entry(&self, project: &Project, f: &Function, m: &str) -> Option<u8> {
        let owner = f.owner.as_ref()?;
        let decl = project.member(owner, m);
        let key = (owner.clone(), m.to_string());
        let known = self.set.get(&key);
        if known.is_none() && !decl.is_some_and(|d| d.declared_session) {
            return None;
        }
        let optional = decl.is_none_or(|d| d.is_optional || d.is_weak);
        let holds = match (f.kind, known) {
            // No `self` yet (or none at all): nothing is held.
            (
                FunctionKind::PropertyInitializer
                | FunctionKind::GlobalInitializer
                | FunctionKind::StaticMethod
                | FunctionKind::Free,
                _,
            ) => false,
            (FunctionKind::Initializer, Some(at_declaration)) => {
                *at_declaration && !decl.is_some_and(|d| d.is_lazy)
            }
            (_, Some(_)) => !optional,
            (_, None) => false,
        };
        Some(if holds { HOLD_VALID } else { HOLD_UNKNOWN })
    }
}

/// A session creation stored into a member.
#[derive(Clone, Debug)]
pub struct StoredCreation {
    pub function: FnId,
    pub site: CreationSite,
}

/// An invalidation of a member: (function, span, only its owner's deinit reaches it).
pub type Invalidation = (FnId, Span, bool);

/// Everything known about one (type, member) pair that receives sessions.
#[derive(Debug, Default)]
pub struct MemberFacts {
    pub stores: Vec<StoredCreation>,
    /// Invalidations: (function, span, happens only in deinit or helpers only deinit calls).
    pub invalidations: Vec<Invalidation>,
    /// Handed to unknown code somewhere: the analysis cannot judge it.
    pub escapes: bool,
    /// Other objects' members visible code also stores this member's session into:
    /// (their type, their member). The owner still holds the session.
    pub shared_into: BTreeSet<(Name, Name)>,
}

impl MemberFacts {
    /// Invalidated somewhere other than only through the owner's own deinit.
    pub fn invalidated_reachably(&self) -> bool {
        self.invalidations
            .iter()
            .any(|&(_, _, deinit_only)| !deinit_only)
    }
}

/// Methods the framework calls at the end of an object's use: an invalidation there runs.
const LIFECYCLE_TEARDOWNS: &[&str] = &[
    "stopLoading",
    "viewWillDisappear",
    "viewDidDisappear",
    "viewWillDisappear:",
    "viewDidDisappear:",
    "tearDown",
    "tearDownWithError",
    "cancel",
    "applicationWillTerminate",
    "applicationWillTerminate:",
];

/// Collects member facts from every analysed body.
pub fn collect(
    project: &Project,
    bodies: &[(FnId, BodyAnalysis)],
) -> BTreeMap<(Name, Name), MemberFacts> {
    let callers = callers(project, bodies);
    let deinit_only = |id: FnId| only_through_own_deinit(project, &callers, id);
    let mut out: BTreeMap<(Name, Name), MemberFacts> = BTreeMap::new();
    for (id, analysis) in bodies {
        let f = project.function(*id);
        for body in analysis.all() {
            for store in &body.member_stores {
                let entry = out
                    .entry((store.owner.clone(), store.member.clone()))
                    .or_default();
                // Stored into another type's member and ended by the code that stored it
                // (`params.session = s; ...; s.finishTasksAndInvalidate()`): not that
                // type's to judge.
                let foreign = f.owner.as_ref() != Some(&store.owner);
                for &c in &store.creations {
                    if foreign && body.invalidated_somewhere[c] {
                        continue;
                    }
                    entry.stores.push(StoredCreation {
                        function: *id,
                        site: body.creations[c].clone(),
                    });
                }
            }
            let Some(owner) = &f.owner else { continue };
            for (m, span) in &body.member_invalidations {
                out.entry((owner.clone(), m.clone()))
                    .or_default()
                    .invalidations
                    .push((*id, *span, deinit_only(*id)));
            }
            for m in &body.member_escapes {
                out.entry((owner.clone(), m.clone())).or_default().escapes = true;
            }
            for (m, other, other_member) in &body.member_shares {
                out.entry((owner.clone(), m.clone()))
                    .or_default()
                    .shared_into
                    .insert((other.clone(), other_member.clone()));
            }
        }
        if let Some(owner) = &f.owner {
            let is_member = |m: &Name| project.member(owner, m).is_some();
            for (m, span) in super::collections::element_invalidations(f, &is_member) {
                out.entry((owner.clone(), m))
                    .or_default()
                    .invalidations
                    .push((*id, span, deinit_only(*id)));
            }
        }
    }
    credit_subtypes(project, &mut out);
    out
}

/// What a protocol extension's default method or a superclass method does to a member, it
/// does for every conforming type or subclass that has that member (in any file).
fn credit_subtypes(project: &Project, out: &mut BTreeMap<(Name, Name), MemberFacts>) {
    let mut credited: Vec<((Name, Name), &[Invalidation], bool)> = Vec::new();
    for ((owner, member), facts) in out.iter() {
        if facts.invalidations.is_empty() && !facts.escapes {
            continue;
        }
        for sub in project.subtypes_of(owner) {
            credited.push(((sub, member.clone()), &facts.invalidations, facts.escapes));
        }
    }
    let credited: Vec<_> = credited
        .into_iter()
        .map(|(key, invalidations, escapes)| (key, invalidations.to_vec(), escapes))
        .collect();
    for (key, invalidations, escapes) in credited {
        if let Some(entry) = out.get_mut(&key) {
            entry.invalidations.extend(invalidations);
            entry.escapes |= escapes;
        }
    }
}

/// Every path to `id` goes through its owner's own `deinit`/`dealloc`/`Drop`: it is the
/// deinit, or a helper only that deinit calls. A method another type's deinit calls, any
/// other call site, a public method (a library's users call it) or a framework lifecycle
/// method is a reachable teardown.
fn only_through_own_deinit(project: &Project, callers: &Callers, id: FnId) -> bool {
    let f = project.function(id);
    if f.kind == FunctionKind::Deinit {
        return true;
    }
    if project.is_public_function(f) || LIFECYCLE_TEARDOWNS.contains(&f.name.as_str()) {
        return false;
    }
    callers.get(&id).is_some_and(|from| {
        !from.is_empty()
            && from
                .iter()
                .all(|(kind, owner)| *kind == FunctionKind::Deinit && *owner == f.owner)
    })
}

/// The functions whose every path runs through their owner's own deinit (see
/// [`only_through_own_deinit`]): further callers could change that.
pub(super) fn deinit_only(project: &Project, bodies: &[(FnId, BodyAnalysis)]) -> BTreeSet<FnId> {
    let callers = callers(project, bodies);
    // Only a function with callers (or a deinit itself, which no call reaches) passes.
    callers
        .keys()
        .copied()
        .filter(|&id| {
            project.function(id).kind != FunctionKind::Deinit
                && only_through_own_deinit(project, &callers, id)
        })
        .collect()
}

/// For each function, the kind and owner of each function that calls it.
type Callers = BTreeMap<FnId, BTreeSet<(FunctionKind, Option<Name>)>>;

fn callers(project: &Project, bodies: &[(FnId, BodyAnalysis)]) -> Callers {
    let mut out = Callers::new();
    for (id, analysis) in bodies {
        let f = project.function(*id);
        for body in analysis.all() {
            for callee in &body.callees {
                out.entry(*callee)
                    .or_default()
                    .insert((f.kind, f.owner.clone()));
            }
        }
    }
    out
}

/// Whether an expression visibly creates a session (a constructor, possibly under `try`).
fn creates(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::NewSession(_) => true,
        ExprKind::Try { inner, .. } => creates(inner),
        _ => false,
    }
}

/// The members `f` (an initializer or a property initializer) stores a new session in,
/// each with whether it does so at the declaration.
pub(super) fn known_holds_of(f: &Function) -> Vec<((Name, Name), bool)> {
    let mut out = Vec::new();
    let Some(owner) = &f.owner else { return out };
    let at_declaration = f.kind == FunctionKind::PropertyInitializer;
    if !matches!(
        f.kind,
        FunctionKind::PropertyInitializer | FunctionKind::Initializer | FunctionKind::StaticMethod
    ) {
        return out;
    }
    super::walk::each_expr(&f.body, false, &mut |e| match &e.kind {
        ExprKind::Assign { target, value } if creates(value) => {
            let member = match &target.kind {
                ExprKind::Member { base, name } if matches!(base.kind, ExprKind::SelfRef) => {
                    Some(name)
                }
                ExprKind::Name(n) if f.kind != FunctionKind::StaticMethod => Some(n),
                _ => None,
            };
            if let Some(m) = member {
                out.push(((owner.clone(), m.clone()), at_declaration));
            }
        }
        ExprKind::Construct { type_name, args } if type_name == "Self" || type_name == owner => {
            for a in args {
                if let (Some(field), true) = (&a.label, creates(&a.value)) {
                    out.push(((owner.clone(), field.clone()), false));
                }
            }
        }
        _ => {}
    });
    out
}
