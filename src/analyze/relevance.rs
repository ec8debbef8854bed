//! What the analysis of some files could be changed by, in files it has not seen: the
//! prefilter's question, answered by the layer that knows what it reads.
//!
//! The invariant (ARCHITECTURE.md): a file outside the analysed set can change a result
//! only through
//! - a session API or configured name in its bytes (the prefilter's seeds);
//! - a call or declaration of a function whose summary is not empty (a caller gets a
//!   creation or an invalidation; a namesake changes how calls resolve, and which callers
//!   a releaser has decides whether its invalidations happen only in deinit), or a read of
//!   such a getter. When other analysed types already have a method of that name and
//!   arity, a call on a receiver of unknown type cannot resolve to it: only code naming
//!   its owner can reach it (`Demand::owners`);
//! - a declaration or construction of a type that declares a session member or owns a
//!   function where sessions are made, stored or invalidated (its other fragments declare
//!   the members, the deinit and the methods the analysis looks up on `self`; a
//!   construction into a static makes it live for the process). A type with none of these
//!   has no member facts a rule reads: what its functions do with members cannot matter.
//!   So does a type whose member a body stores a session into (`params.session = s`).
//!
//! A call of a function with an empty summary, resolved or not, only lets its arguments
//! escape (`flow`'s call handling), so its callers and namesakes never matter. A pass that
//! reads the project in a new way must add what it reads here.

use super::flow::BodyAnalysis;
use super::ProjectAnalysis;
use crate::facts::api::Api;
use crate::facts::{ExprKind, Function, FunctionKind, Name};
use std::collections::BTreeSet;

/// Names whose occurrences elsewhere could change the analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    /// Functions with a non-empty summary, by the name calls use (an ObjC selector's first
    /// part): their calls and declarations.
    pub calls: BTreeSet<Name>,
    /// Getters with a non-empty summary: reached by a bare name or a member access.
    pub reads: BTreeSet<Name>,
    /// Types whose declarations (any fragment) and constructions matter.
    pub types: BTreeSet<Name>,
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
    let mut owners = project
        .methods_named(&f.name)
        .map(|id| project.function(id))
        .filter(|m| crate::project::resolve::arity_of(m) == arity)
        .filter_map(|m| m.owner.as_deref());
    let Some(first) = owners.next() else {
        return false;
    };
    owners.any(|o| o != first)
}

/// The demand of an analysis.
pub fn demand(analysis: &ProjectAnalysis<'_>) -> Demand {
    let project = analysis.project;
    let mut demand = Demand::default();
    // Only callable functions are reached by calls (a deinit's summary matters through
    // its owner type).
    for &id in &analysis.summarised {
        let f = project.function(id);
        if !crate::project::is_callable(f) {
            continue;
        }
        if f.kind == FunctionKind::Getter {
            demand.reads.insert(f.name.clone());
        }
        match f.owner.as_deref() {
            Some(owner) if ambiguous(project, f) => {
                demand.owners.insert(type_word(owner).to_string());
            }
            _ => {
                demand.calls.insert(call_word(&f.name).to_string());
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
    for (id, body) in &analysis.bodies {
        for b in body.all() {
            // A store into another object's member reads that type's declarations.
            demand
                .types
                .extend(b.types_read.iter().map(|t| type_word(t).to_string()));
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

/// A function name as call sites spell it: an ObjC selector by its first part.
fn call_word(name: &str) -> &str {
    name.split(':').next().unwrap_or(name)
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
    fn words_are_what_declarations_and_calls_spell() {
        assert_eq!(call_word("initWithSession:delegate:"), "initWithSession");
        assert_eq!(call_word("fetch"), "fetch");
        assert_eq!(type_word("Outer.Inner"), "Inner");
        assert_eq!(type_word("net::Client"), "Client");
        assert_eq!(type_word("Client<T>"), "Client");
    }
}
