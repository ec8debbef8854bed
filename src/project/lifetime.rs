//! Which types live for the whole process: singletons, app delegates and configured types.
//!
//! A type is a *candidate* singleton when an instance of it is constructed into
//! process-lifetime storage: a global or `static` initializer (`static let shared =
//! Client()`, Rust `static X: LazyLock<Client>`), a function-level `static` (ObjC
//! `dispatch_once` singletons), or a `OnceLock`-style `get_or_init` on a static. It is
//! process-lifetime only when that is its only instance: its initializers are private, or
//! nothing else in the project constructs it and (Swift) no initializer is public for a
//! library's users to call. Otherwise its other instances are judged like any type's.

use super::{FnId, Project};
use crate::facts::walk::each_expr;
use crate::facts::{Block, Expr, ExprKind, Function, FunctionKind, Name, StmtKind, Visibility};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What the project knows about how many instances types have.
#[derive(Debug, Default)]
pub struct Lifetimes {
    /// Types with one instance for the whole process.
    pub process: BTreeSet<Name>,
    /// Types with a shared instance and others besides it (public initializer, other
    /// constructions): judged like any type.
    pub shared_and_more: BTreeSet<Name>,
    /// Of both, those whose verdict looked for constructions elsewhere (their initializers
    /// are neither all private nor public in a public type).
    pub counted_instances: BTreeSet<Name>,
}

/// Attributes that make a type the application's delegate, made once by the framework.
const APP_ENTRY_ATTRIBUTES: &[&str] = &["main", "UIApplicationMain", "NSApplicationMain"];
/// Protocols only the application delegate adopts.
const APP_DELEGATE_PROTOCOLS: &[&str] = &["UIApplicationDelegate", "NSApplicationDelegate"];
/// Framework base classes whose instances the framework makes per use (a request, a
/// screen, a test, an operation): never one instance for the process.
const PER_USE_BASES: &[&str] = &[
    "URLProtocol",
    "NSURLProtocol",
    "UIViewController",
    "NSViewController",
    "UITableViewController",
    "UICollectionViewController",
    "XCTestCase",
    "Operation",
    "NSOperation",
];

/// Made per use by the framework: a subclass (in any generation) of a [`PER_USE_BASES`] class.
pub fn is_per_use_type(project: &Project, name: &str) -> bool {
    project
        .supertypes_of(name)
        .iter()
        .any(|s| PER_USE_BASES.contains(&s.as_str()))
}

pub fn process_lifetime_types(project: &Project) -> Lifetimes {
    let ids: Vec<_> = project.function_ids().collect();
    let candidates: BTreeMap<Name, BTreeSet<FnId>> = ids
        .into_par_iter()
        .filter(|&id| {
            project.mentions(id).static_storage
                || project.function(id).kind == FunctionKind::GlobalInitializer
        })
        .map(|id| {
            let mut out = BTreeSet::new();
            constructed_into_statics(project, project.function(id), &mut out);
            out.into_iter()
                .map(|t| (t, BTreeSet::from([id])))
                .collect::<BTreeMap<_, _>>()
        })
        .reduce(BTreeMap::new, |mut a, b| {
            for (t, ids) in b {
                a.entry(t).or_default().extend(ids);
            }
            a
        });
    let mut out = Lifetimes {
        process: project
            .config
            .process_lifetime_types
            .iter()
            .cloned()
            .collect(),
        ..Lifetimes::default()
    };
    let naming = functions_naming(project, &candidates);
    for (t, makers) in &candidates {
        if is_per_use_type(project, t) {
            continue;
        }
        let naming_t = naming.get(t.as_str()).map_or(&[][..], Vec::as_slice);
        let (only, counted) = only_instance(project, t, makers, naming_t);
        if counted {
            out.counted_instances.insert(t.clone());
        }
        if only {
            out.process.insert(t.clone());
        } else {
            out.shared_and_more.insert(t.clone());
        }
    }
    out.process.extend(app_delegates(project));
    out
}

/// Types the framework instantiates once as the application's delegate.
fn app_delegates(project: &Project) -> BTreeSet<Name> {
    let mut out = BTreeSet::new();
    for ff in &project.facts {
        for t in &ff.types {
            let entry = t
                .info
                .attributes
                .iter()
                .any(|a| APP_ENTRY_ATTRIBUTES.contains(&a.as_str()));
            let delegate = t
                .info
                .supertypes
                .iter()
                .any(|s| APP_DELEGATE_PROTOCOLS.contains(&s.as_str()));
            if entry || delegate {
                out.insert(t.name.clone());
            }
        }
    }
    out
}

/// For each candidate type, the functions whose mentions name it: one pass over the
/// project instead of one per candidate (a million-line tree has hundreds of candidates).
fn functions_naming<'a>(
    project: &Project,
    candidates: &'a BTreeMap<Name, BTreeSet<FnId>>,
) -> BTreeMap<&'a str, Vec<FnId>> {
    let ids: Vec<FnId> = project.function_ids().collect();
    ids.into_par_iter()
        .fold(
            BTreeMap::new,
            |mut acc: BTreeMap<&'a str, Vec<FnId>>, id| {
                for n in project.mentions(id).names.iter() {
                    if let Some((t, _)) = candidates.get_key_value(n) {
                        let ids = acc.entry(t.as_str()).or_default();
                        if ids.last() != Some(&id) {
                            ids.push(id);
                        }
                    }
                }
                acc
            },
        )
        .reduce(BTreeMap::new, |mut a, b| {
            for (t, ids) in b {
                a.entry(t).or_default().extend(ids);
            }
            a
        })
}

/// The instance(s) `makers` construct into static storage are the only ones `t` has, and
/// whether other constructions decided it. `naming`: the functions whose mentions name `t`.
fn only_instance(
    project: &Project,
    t: &str,
    makers: &BTreeSet<FnId>,
    naming: &[FnId],
) -> (bool, bool) {
    let inits: Vec<&Function> = project
        .functions_named(Some(t), "init")
        .map(|id| project.function(id))
        .filter(|f| f.kind == FunctionKind::Initializer)
        .collect();
    if !inits.is_empty() && inits.iter().all(|f| f.visibility == Visibility::Private) {
        return (true, false);
    }
    // A library's users may call a public initializer of a public type.
    if project.is_public_type(t) && inits.iter().any(|f| f.visibility == Visibility::Public) {
        return (false, false);
    }
    (!constructed_elsewhere(project, t, makers, naming), true)
}

/// Some function other than `makers` and `t`'s own constructors (a Rust `fn new() ->
/// Self { Self { .. } }` builds the one instance its caller asked for) constructs a `t`.
fn constructed_elsewhere(
    project: &Project,
    t: &str,
    makers: &BTreeSet<FnId>,
    naming: &[FnId],
) -> bool {
    naming.par_iter().copied().any(|id| {
        let f = project.function(id);
        if makers.contains(&id) || f.owner.as_deref() == Some(t) {
            return false;
        }
        let f = project.function(id);
        let mut found = false;
        each_expr(&f.body, true, &mut |e| {
            found |= construction(project, f, e).as_deref() == Some(t);
        });
        found
    })
}

/// The types `f` constructs into process-lifetime storage.
fn constructed_into_statics(project: &Project, f: &Function, out: &mut BTreeSet<String>) {
    if f.kind == FunctionKind::GlobalInitializer {
        constructed_types(project, f, &f.body, out);
        return;
    }
    let statics = static_locals(&f.body);
    each_expr(&f.body, true, &mut |e| match &e.kind {
        ExprKind::Assign { target, value } => {
            if matches!(&target.kind, ExprKind::Name(n) if statics.contains(n.as_str())) {
                constructions_in(project, f, value, out);
            }
        }
        ExprKind::Call {
            receiver: Some(r),
            method,
            args,
            ..
        } if is_once_init(method) && looks_static(r) => {
            for a in args {
                constructions_in(project, f, &a.value, out);
            }
        }
        _ => {}
    });
    crate::facts::walk::each_stmt(&f.body, &mut |stmt| {
        if let StmtKind::Let {
            is_static: true,
            value: Some(v),
            ..
        } = &stmt.kind
        {
            constructions_in(project, f, v, out);
        }
    });
}

pub(crate) use crate::facts::api::is_once_init;

/// `SHARED` / `Self::SHARED` / `CLIENT`: Rust statics are SCREAMING_CASE by convention.
fn looks_static(e: &Expr) -> bool {
    let name = match &e.kind {
        ExprKind::Name(n) => n,
        ExprKind::Member { name, .. } => name,
        _ => return false,
    };
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

fn static_locals(body: &Block) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    crate::facts::walk::each_stmt(body, &mut |stmt| {
        if let StmtKind::Let {
            name,
            is_static: true,
            ..
        } = &stmt.kind
        {
            names.insert(name.as_str());
        }
    });
    names
}

fn constructed_types(project: &Project, f: &Function, body: &Block, out: &mut BTreeSet<String>) {
    each_expr(body, true, &mut |e| {
        if let Some(t) = construction(project, f, e) {
            out.insert(t);
        }
    });
}

fn constructions_in(project: &Project, f: &Function, e: &Expr, out: &mut BTreeSet<String>) {
    crate::facts::walk::each_in_expr(e, &mut |e| {
        if let Some(t) = construction(project, f, e) {
            out.insert(t);
        }
    });
}

/// The type an expression constructs, if it visibly constructs one.
pub fn construction(project: &Project, f: &Function, e: &Expr) -> Option<String> {
    let resolve = |t: &str| {
        if t == "Self" || t == "self" {
            f.owner.clone()
        } else {
            Some(t.to_string())
        }
    };
    match &e.kind {
        ExprKind::Construct { type_name, .. } => resolve(type_name),
        ExprKind::Call {
            receiver: None,
            method,
            ..
        } if project.is_type(method) => Some(method.clone()),
        ExprKind::Call {
            receiver: Some(r),
            method,
            ..
        } if matches!(method.as_str(), "new" | "init" | "default" | "alloc") => match &r.kind {
            ExprKind::TypeRef(t) => resolve(t),
            _ => None,
        },
        // `get_or_init(Registry::new)`: the constructor handed over as a function.
        ExprKind::Member { base, name } if matches!(name.as_str(), "new" | "default") => {
            match &base.kind {
                ExprKind::TypeRef(t) => resolve(t),
                _ => None,
            }
        }
        _ => None,
    }
}
