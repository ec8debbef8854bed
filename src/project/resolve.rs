//! Call resolution by owner, name and arity (there is no type checker).

use super::{FnId, Project};
use crate::facts::{Expr, ExprKind, Function, FunctionKind};

/// The function a call reaches, when the analysis can tell.
///
/// A receiver of known type (`self`, `Type.`, a member with a declared type) is resolved
/// within that type only; an unknown receiver resolves only when one type has a method of
/// that name and arity, so a method is never confused with a same-named one of another type.
pub fn resolve_call(
    project: &Project,
    caller: &Function,
    receiver: Option<&Expr>,
    method: &str,
    arity: usize,
) -> Option<FnId> {
    let owner = caller.owner.as_deref();
    match receiver.map(|r| &r.kind) {
        None => owner
            .and_then(|t| lookup(project, Some(t), method, arity))
            .or_else(|| lookup(project, None, method, arity)),
        Some(ExprKind::SelfRef) => lookup(project, owner, method, arity),
        Some(ExprKind::TypeRef(t)) => {
            let t = if t == "Self" { owner? } else { t.as_str() };
            lookup(project, Some(t), method, arity)
        }
        Some(ExprKind::Member { base, name }) if matches!(base.kind, ExprKind::SelfRef) => {
            let ty = project.member(owner?, name)?.declared_type.as_deref()?;
            lookup(project, Some(ty), method, arity)
        }
        Some(_) => unique_method(project, method, arity),
    }
}

/// A computed property (getter) of `owner` named `name`.
pub fn getter(project: &Project, owner: &str, name: &str) -> Option<FnId> {
    project
        .functions_named(Some(owner), name)
        .find(|&id| project.function(id).kind == FunctionKind::Getter)
}

fn lookup(project: &Project, owner: Option<&str>, method: &str, arity: usize) -> Option<FnId> {
    project.functions_named(owner, method).find(|&id| {
        let f = project.function(id);
        super::is_callable(f) && arity_of(f) == arity
    })
}

fn unique_method(project: &Project, method: &str, arity: usize) -> Option<FnId> {
    let mut found = project
        .methods_named(method)
        .filter(|&id| arity_of(project.function(id)) == arity);
    let first = found.next()?;
    let owner = &project.function(first).owner;
    found
        .all(|id| &project.function(id).owner == owner)
        .then_some(first)
}

/// Parameters a caller passes (a Rust `self` receiver is not an argument).
pub fn arity_of(f: &Function) -> usize {
    f.params.iter().filter(|p| p.as_str() != "self").count()
}
