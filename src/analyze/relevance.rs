//! What the analysis of some files could be changed by, in files it has not seen: the
//! prefilter's question, answered by the layer that knows what it reads.
//!
//! The invariant (ARCHITECTURE.md): a file outside the analysed set can change a result
//! only through
//! - a session API or configured name in its bytes (the prefilter's seeds);
//! - a function whose summary changes what its calls do (it makes or invalidates sessions,
//!   or the analysis follows it and it does not keep every parameter):
//!   - a declaration of a namesake (it changes how calls resolve; when other analysed
//!     types already share the name and arity, only one in the owner's own fragments);
//!   - any call of a factory (the caller gets a creation), or of a function that
//!     invalidates its owner's members while every path to it runs through that owner's
//!     deinit (a new caller decides whether its invalidations run only there);
//!   - a call on `self` of a function that invalidates its owner's members (it
//!     invalidates the caller's): made only by code that names the owner;
//!   - a read of such a getter;
//! - a declaration of a type that declares a session member or owns a function where
//!   sessions are made, stored or invalidated (its other fragments declare the members,
//!   the deinit and the methods the analysis looks up on `self`), and a construction of it
//!   that may be into static storage (it would make the type live for the process): in a
//!   file with `static`, a Rust `const` or once-cell, or code outside every body. Once a
//!   static construction is known and the verdict counts instances, any construction
//!   matters. A type with none of these has no member facts a rule reads: what its
//!   functions do with members cannot matter. So does a type whose member a body may
//!   store a session into (`params.session = s`).
//! - a declaration of a function that a call handed a session but that no analysed file
//!   declares (it would be followed): in the fragments of the type the call names (an
//!   initializer, `T.f`, `self.f`, a member's declared type), or anywhere for a call that
//!   resolves by name alone (a free function, a receiver of unknown type), unless two
//!   analysed types already share that method (such a call never resolves).
//!
//! Other calls do not matter: a caller that can hand a function a session has a session
//! of its own (a seed word, a factory call in the demand, a member of a type in the
//! demand) or one handed to it, and is analysed already. For the same reason a parameter
//! can hold a session only if some analysed call hands it one ([`reached`]): a function
//! only parameters reach matters through its stores into other objects' members and, if
//! it is followed, its namesakes, only once a session reaches it.
//!
//! A call the analysis does not follow (an unresolved or unanalysed callee) lets its
//! arguments escape (`flow`'s call handling), as does a followed function that keeps every
//! parameter: their callers and namesakes never matter. A pass that reads the project in a
//! new way must add what it reads here.

use super::flow::{BodyAnalysis, Origin};
use super::ProjectAnalysis;
use crate::facts::api::Api;
use crate::facts::{ExprKind, Function, FunctionKind, Name};
use crate::project::FnId;
use std::collections::BTreeSet;

/// Who some analysed call may hand a session.
#[derive(Clone, Debug, Default)]
pub struct Reached {
    /// (function, parameter) pairs: the least fixpoint of the calls' `passes` (a session
    /// of the caller's own, or a parameter of the caller that is itself reached).
    pub params: BTreeSet<(FnId, usize)>,
    /// Functions one of those calls reached by name alone: a namesake anywhere matters, not
    /// only in their owner's fragments.
    pub by_name: BTreeSet<FnId>,
    /// Functions a closure's parameter reached by name alone: that matters only if they
    /// invalidate it ([`Origin::ClosureParam`]).
    pub by_name_from_closures: BTreeSet<FnId>,
}

impl Reached {
    pub fn any_param(&self, id: FnId) -> bool {
        self.params
            .range((id, 0)..=(id, usize::MAX))
            .next()
            .is_some()
    }
}

/// Who the calls of `bodies` may hand a session.
pub fn reached<'a>(bodies: impl Iterator<Item = (FnId, &'a BodyAnalysis)> + Clone) -> Reached {
    let mut via_params: std::collections::BTreeMap<(FnId, usize), Vec<(FnId, usize)>> =
        Default::default();
    let mut params = BTreeSet::new();
    let mut work = Vec::new();
    for (caller, b) in bodies.clone() {
        for (callee, arg, from, _) in &b.passes {
            let (callee, arg) = (*callee, *arg);
            match from {
                Origin::Own => {
                    if params.insert((callee, arg)) {
                        work.push((callee, arg));
                    }
                }
                Origin::Param(p) => via_params
                    .entry((caller, *p))
                    .or_default()
                    .push((callee, arg)),
                // Settled with the enclosing body: none is left here.
                Origin::Captured(_) | Origin::ClosureParam => {}
            }
        }
    }
    while let Some(at) = work.pop() {
        for &next in via_params.get(&at).into_iter().flatten() {
            if params.insert(next) {
                work.push(next);
            }
        }
    }
    let mut reached = Reached {
        params,
        ..Reached::default()
    };
    for (caller, b) in bodies {
        // Only calls resolved by name alone.
        for (callee, _, from, _) in b.passes.iter().filter(|p| p.3) {
            let callee = *callee;
            match from {
                Origin::Own => reached.by_name.insert(callee),
                Origin::Param(p) if reached.params.contains(&(caller, *p)) => {
                    reached.by_name.insert(callee)
                }
                Origin::Param(_) | Origin::Captured(_) => false,
                Origin::ClosureParam => reached.by_name_from_closures.insert(callee),
            };
        }
    }
    reached
}

/// Names whose occurrences elsewhere could change the analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    /// Functions whose every caller matters (a caller gets a session from them, or may
    /// decide whether their invalidations run only in a deinit), by the name calls use (a
    /// whole ObjC selector): their calls and declarations.
    pub calls: BTreeSet<Name>,
    /// Functions whose namesakes matter (they change how calls resolve) but whose callers
    /// do not (a caller that can hand them a session is analysed already): declarations.
    pub declared: BTreeSet<Name>,
    /// (owner, function) of functions that invalidate their owner's members: calls on
    /// `self` apply that, and only code that names the owner (its fragments, subclasses)
    /// makes them.
    pub self_calls: BTreeSet<(Name, Name)>,
    /// (owner, function) of functions of `declared` whose name and arity other types
    /// share already: only a namesake in the owner's own fragments changes how calls
    /// resolve.
    pub declared_in: BTreeSet<(Name, Name)>,
    /// Of `declared` and `declared_in`, the functions without parameters: a computed
    /// property is a namesake of those too.
    pub nullary: BTreeSet<Name>,
    /// Getters with a non-empty summary: reached by a bare name or a member access.
    pub reads: BTreeSet<Name>,
    /// Types whose declarations (any fragment) matter, and their constructions that may be
    /// into process-lifetime storage (which would make the type live for the process).
    pub types: BTreeSet<Name>,
    /// Of `types`, those constructed into static storage already whose verdict counts their
    /// other constructions: every construction matters.
    pub constructed: BTreeSet<Name>,
    /// (type, function) of calls the analysis could not resolve that were handed a
    /// session (`init` for a construction): a declaration of that function in a fragment
    /// of that type would be followed. Not the type's constructions elsewhere. The flag:
    /// the function is named (a method), not a construction's labels.
    pub declared_types: BTreeSet<(Name, Name, bool)>,
    /// Functions calls that resolve by name alone (free functions, receivers of unknown
    /// type) were handed a session but found in no analysed file: a declaration anywhere
    /// would be followed.
    pub declared_anywhere: BTreeSet<Name>,
    /// Owners of methods with a non-empty summary whose name and arity other types share
    /// already: a call of such a method with a receiver of unknown type never resolves, so
    /// only the code that names the owner (its fragments, `Owner.method()`, a member typed
    /// with it) can reach it. Matched anywhere.
    pub owners: BTreeSet<Name>,
}

/// Do two types among the analysed files already have callable methods with `f`'s name and
/// arity? Then no call with a receiver of unknown type resolves to `f`, whatever other
/// files hold (resolution by name alone needs one owner).
fn ambiguous(project: &crate::project::Project, f: &Function) -> bool {
    let arity = crate::project::resolve::arity_of(f);
    crate::project::resolve::never_unique(project, &f.name, arity)
}

/// The demand of an analysis.
pub fn demand(analysis: &ProjectAnalysis<'_>) -> Demand {
    let project = analysis.project;
    let mut demand = Demand::default();
    // Only callable functions are reached by calls (a deinit's summary matters through
    // its owner type).
    let deinit_only = super::owners::deinit_only(project, &analysis.bodies);
    for &(id, matters) in &analysis.summarised {
        let f = project.function(id);
        if !crate::project::is_callable(f) {
            continue;
        }
        if f.kind == FunctionKind::Getter {
            demand.reads.insert(f.name.clone());
        }
        if crate::project::resolve::arity_of(f) == 0 {
            demand.nullary.insert(f.name.clone());
        }
        // An initializer's namesakes are its type's other initializers (a Swift `init(`
        // has no keyword before it that marks a declaration): the type's fragments.
        if let (FunctionKind::Initializer, Some(owner)) = (f.kind, f.owner.as_deref()) {
            demand.types.insert(type_word(owner).to_string());
        }
        // Which calls reach it decides whether its invalidations run only in a deinit.
        let callers = matters.callers || matters.self_callers && deinit_only.contains(&id);
        match f.owner.as_deref() {
            Some(owner) if ambiguous(project, f) => {
                let owner = type_word(owner).to_string();
                if callers || matters.self_callers {
                    demand.owners.insert(owner);
                } else {
                    demand.declared_in.insert((owner, f.name.clone()));
                }
            }
            owner => {
                if callers {
                    demand.calls.insert(f.name.clone());
                    continue;
                }
                // A call on `self`, `Type.` or a typed member resolves within that type: a
                // namesake elsewhere changes only calls that resolved by name alone (and a
                // free function's or a configured releaser's).
                let anywhere = matters.configured
                    || analysis.reached.by_name.contains(&id)
                    || matters.invalidates_params
                        && analysis.reached.by_name_from_closures.contains(&id);
                match owner {
                    Some(owner) if !anywhere => {
                        let owner = type_word(owner).to_string();
                        demand.declared_in.insert((owner, f.name.clone()));
                    }
                    _ => {
                        demand.declared.insert(f.name.clone());
                    }
                }
                if let (true, Some(owner)) = (matters.self_callers, owner) {
                    let owner = type_word(owner).to_string();
                    demand.self_calls.insert((owner, f.name.clone()));
                }
            }
        }
    }
    // A member typed with such an owner resolves `self.member.method()` to it: the other
    // fragments of the member's type hold the functions that make those calls.
    for ff in &project.facts {
        for t in &ff.types {
            let typed_with_owner = t.members.iter().any(|m| {
                m.declared_type
                    .as_deref()
                    .is_some_and(|ty| demand.owners.contains(type_word(ty)))
            });
            if typed_with_owner {
                demand.types.insert(type_word(&t.name).to_string());
            }
        }
    }
    for (id, body) in analysis.bodies.iter().chain(&analysis.summarised_only) {
        for b in body.all() {
            // A store into another object's member reads that type's declarations.
            demand
                .types
                .extend(b.types_read.iter().map(|t| type_word(t).to_string()));
            let reached_stores = b
                .types_read_params
                .iter()
                .filter(|(p, _)| analysis.reached.params.contains(&(*id, *p)));
            demand
                .types
                .extend(reached_stores.map(|(_, t)| type_word(t).to_string()));
            // A construction it could not follow reads the type's declarations.
            for (from, ty, f, named) in &b.declarations_read {
                let counts = match from {
                    Origin::Own | Origin::Captured(_) => true,
                    Origin::Param(p) => analysis.reached.params.contains(&(*id, *p)),
                    Origin::ClosureParam => false,
                };
                match (counts, ty) {
                    (false, _) => {}
                    (true, Some(ty)) => {
                        let read = (type_word(ty).to_string(), f.clone(), *named);
                        demand.declared_types.insert(read);
                    }
                    (true, None) => {
                        demand.declared_anywhere.insert(f.clone());
                    }
                }
            }
        }
        let f = project.function(*id);
        if let Some(owner) = &f.owner {
            if body.all().iter().any(|b| touches_sessions(b)) || invalidates(f) {
                demand.types.insert(type_word(owner).to_string());
            }
        }
    }
    for ff in &project.facts {
        for t in &ff.types {
            if t.members.iter().any(|m| m.declared_session) {
                demand.types.insert(type_word(&t.name).to_string());
            }
        }
    }
    for t in &project.counted_instances {
        if demand.types.contains(type_word(t)) {
            demand.constructed.insert(type_word(t).to_string());
        }
    }
    demand
}

/// Does a body make, store, hand back or invalidate a session?
fn touches_sessions(b: &BodyAnalysis) -> bool {
    !b.creations.is_empty()
        || !b.member_stores.is_empty()
        || !b.member_invalidations.is_empty()
        || !b.invalidates_params.is_empty()
        || !b.outer_invalidated.is_empty()
        || !b.shared_invalidations.is_empty()
        || !b.tasks_after_invalidation.is_empty()
        || b.returns_new
}

/// Does the function call an invalidation API (on something the analysis may not know is a
/// session without the owner's other fragments: an implicit-`self` member)?
fn invalidates(f: &Function) -> bool {
    let mut found = false;
    super::walk::each_expr(&f.body, true, &mut |e| {
        found |= matches!(
            e.kind,
            ExprKind::Call {
                api: Api::Invalidate { .. },
                ..
            }
        );
    });
    found
}

/// A type name as its declaration spells it: the last part of a qualified name.
fn type_word(name: &str) -> &str {
    let name = name.split('<').next().unwrap_or(name);
    name.rsplit(['.', ':']).next().unwrap_or(name).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_what_declarations_spell() {
        assert_eq!(type_word("Outer.Inner"), "Inner");
        assert_eq!(type_word("net::Client"), "Client");
        assert_eq!(type_word("Client<T>"), "Client");
    }
}
