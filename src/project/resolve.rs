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
        // The nearest supertype that has it (never a same-named method elsewhere).
        Some(ExprKind::SuperRef) => project
            .supertypes_of(owner?)
            .iter()
            .find_map(|t| lookup(project, Some(t), method, arity)),
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

/// The initializer a call reaches: `self.init(...)` / `[self initWithX:...]` (delegation),
/// Swift `Foo(...)` / `Foo.init(...)`, `super.init(...)` of a project superclass. Swift overloads
/// initializers by argument labels: among several of one arity, the one whose parameter
/// names are the call's labels, else none.
pub fn resolve_initializer(
    project: &Project,
    caller: &Function,
    receiver: Option<&Expr>,
    method: &str,
    labels: &[Option<&str>],
) -> Option<FnId> {
    let (owner, name) = match receiver.map(|r| &r.kind) {
        Some(ExprKind::SelfRef) if method.starts_with("init") => (caller.owner.as_deref()?, method),
        // `super.init(...)`: the nearest supertype's initializer.
        Some(ExprKind::SuperRef) if method.starts_with("init") => {
            return project
                .supertypes_of(caller.owner.as_deref()?)
                .iter()
                .find_map(|t| initializer_by_labels(project, t, method, labels));
        }
        Some(ExprKind::TypeRef(t)) if method == "init" => (
            if t == "Self" {
                caller.owner.as_deref()?
            } else {
                t.as_str()
            },
            method,
        ),
        None if project.is_type(method) => (method, "init"),
        _ => return None,
    };
    initializer_by_labels(project, owner, name, labels)
}

/// The initializer `name` of `owner` a call with these labels reaches (see
/// [`resolve_initializer`]).
fn initializer_by_labels(
    project: &Project,
    owner: &str,
    name: &str,
    labels: &[Option<&str>],
) -> Option<FnId> {
    let candidates: Vec<FnId> = project
        .functions_named(Some(owner), name)
        .filter(|&id| {
            let f = project.function(id);
            f.kind == FunctionKind::Initializer && arity_of(f) == labels.len()
        })
        .collect();
    if let [only] = candidates.as_slice() {
        return Some(*only);
    }
    let mut by_labels = candidates.into_iter().filter(|&id| {
        let params = &project.function(id).params;
        labels
            .iter()
            .zip(params)
            .all(|(label, param)| label.is_none_or(|l| l == param))
    });
    let first = by_labels.next()?;
    by_labels.next().is_none().then_some(first)
}

/// The initializer `name` of `owner` taking `arity` arguments.
pub fn initializer_of(project: &Project, owner: &str, name: &str, arity: usize) -> Option<FnId> {
    project.functions_named(Some(owner), name).find(|&id| {
        let f = project.function(id);
        f.kind == FunctionKind::Initializer && arity_of(f) == arity
    })
}

/// The selector an ObjC construction spells from its labelled arguments: `init`,
/// `initWithSession:`, `initWithSession:delegate:`.
pub fn construct_selector(args: &[crate::facts::Arg]) -> String {
    if args.is_empty() {
        return "init".to_string();
    }
    let mut selector = String::new();
    for a in args {
        selector.push_str(a.label.as_deref().unwrap_or(""));
        selector.push(':');
    }
    selector
}

/// Another function of the same owner, name and arity exists (Swift overloads by labels,
/// which resolution does not read): which one a call reaches is not known.
pub fn is_ambiguous(project: &Project, id: FnId) -> bool {
    let f = project.function(id);
    let arity = arity_of(f);
    project
        .functions_named(f.owner.as_deref(), &f.name)
        .filter(|&other| {
            let g = project.function(other);
            g.kind == f.kind && arity_of(g) == arity
        })
        .nth(1)
        .is_some()
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

/// Do two types have methods of this name and arity? Then a call with a receiver of
/// unknown type never resolves, whatever other files declare.
pub fn never_unique(project: &Project, method: &str, arity: usize) -> bool {
    let mut owners = project
        .methods_named(method)
        .map(|id| project.function(id))
        .filter(|f| arity_of(f) == arity)
        .map(|f| &f.owner);
    let Some(first) = owners.next() else {
        return false;
    };
    owners.any(|o| o != first)
}

/// Parameters a caller passes (a Rust `self` receiver is not an argument).
pub fn arity_of(f: &Function) -> usize {
    f.params.iter().filter(|p| p.as_str() != "self").count()
}
